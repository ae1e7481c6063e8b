//! `#[derive(Parameters)]`: a model made of parts is visited part by part.
//!
//! For a struct whose fields are parts (each implementing `Parameters<T>`, such as `Dense` or
//! `BatchNorm`), writes the `Parameters<T>` impl that visits the fields in declaration order and
//! names each tensor after its field (`hidden.weight`, `norm.running_mean`), parameters and
//! buffers alike: the one place a model's tensors are listed, so that visiting, saving, loading
//! and optimizing cannot disagree. The scalar type is the struct's first type parameter.
//!
//! Attributes: `#[parameters(skip)]` on a field that is not a part (it is cloned by
//! `zeros_like`), and `#[parameters(architecture = EXPR)]` on the struct for the description
//! saved with the model (an expression of type `&str` or `String`).

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Error, Expr, Fields, GenericParam, Ident, Result, Token};

/// The `Parameters` impl for `input`, or the error that says why there is none.
pub fn derive(input: &DeriveInput) -> Result<TokenStream> {
    let Data::Struct(data) = &input.data else {
        return Err(Error::new(
            input.ident.span(),
            "`derive(Parameters)` needs a struct whose fields are the model's parts",
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(Error::new(
            data.fields.span(),
            "`derive(Parameters)` needs named fields: the names become the tensors' prefixes",
        ));
    };
    let scalar = input
        .generics
        .params
        .iter()
        .find_map(|param| match param {
            GenericParam::Type(ty) => Some(ty.ident.clone()),
            _ => None,
        })
        .ok_or_else(|| {
            Error::new(
                input.ident.span(),
                "`derive(Parameters)` needs the scalar type as the struct's first type \
                 parameter, e.g. `struct Net<T: Scalar>`",
            )
        })?;
    let architecture = struct_architecture(input)?;

    let (mut parts, mut part_types, mut skipped) = (Vec::new(), Vec::new(), Vec::new());
    for field in &named.named {
        let name = field.ident.clone().expect("named fields have names");
        if is_skipped(field)? {
            skipped.push(name);
        } else {
            parts.push(name);
            part_types.push(field.ty.clone());
        }
    }
    let prefixes: Vec<String> = parts.iter().map(Ident::to_string).collect();

    let name = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    let mut where_clause = where_clause
        .cloned()
        .unwrap_or_else(|| syn::parse_quote!(where));
    for ty in &part_types {
        where_clause
            .predicates
            .push(syn::parse_quote!(#ty: ::nabla::network::Parameters<#scalar>));
    }
    let trait_path = quote!(::nabla::network::Parameters::<#scalar>);
    let architecture = architecture.map(|expr| {
        quote! {
            fn architecture(&self) -> ::std::string::String {
                ::std::string::ToString::to_string(&#expr)
            }
        }
    });
    Ok(quote! {
        impl #impl_generics ::nabla::network::Parameters<#scalar> for #name #type_generics
        #where_clause
        {
            fn zeros_like(&self) -> Self {
                Self {
                    #( #parts: #trait_path::zeros_like(&self.#parts), )*
                    #( #skipped: ::core::clone::Clone::clone(&self.#skipped), )*
                }
            }

            fn visit(&self, visit: &mut dyn FnMut(&[#scalar])) {
                #( #trait_path::visit(&self.#parts, visit); )*
            }

            fn visit_mut(&mut self, visit: &mut dyn FnMut(&mut [#scalar])) {
                #( #trait_path::visit_mut(&mut self.#parts, visit); )*
            }

            fn visit_with(&mut self, other: &Self, visit: &mut dyn FnMut(&mut [#scalar], &[#scalar])) {
                #( #trait_path::visit_with(&mut self.#parts, &other.#parts, visit); )*
            }

            fn tensor_specs(&self) -> ::std::vec::Vec<::nabla::network::TensorSpec> {
                let mut specs = ::std::vec::Vec::new();
                #( specs.extend(::nabla::network::prefixed(#prefixes, &self.#parts)); )*
                specs
            }

            fn buffer_specs(&self) -> ::std::vec::Vec<::nabla::network::TensorSpec> {
                let mut specs = ::std::vec::Vec::new();
                #( specs.extend(::nabla::network::prefixed_buffers(#prefixes, &self.#parts)); )*
                specs
            }

            fn visit_buffers(&self, visit: &mut dyn FnMut(&[#scalar])) {
                #( #trait_path::visit_buffers(&self.#parts, visit); )*
            }

            fn visit_buffers_mut(&mut self, visit: &mut dyn FnMut(&mut [#scalar])) {
                #( #trait_path::visit_buffers_mut(&mut self.#parts, visit); )*
            }

            #architecture
        }
    })
}

/// Whether a field is marked `#[parameters(skip)]`.
fn is_skipped(field: &syn::Field) -> Result<bool> {
    let mut skip = false;
    for attr in field
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("parameters"))
    {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("skip") {
                skip = true;
                Ok(())
            } else {
                Err(meta.error("a field takes `#[parameters(skip)]` only"))
            }
        })?;
    }
    Ok(skip)
}

/// The expression of `#[parameters(architecture = EXPR)]` on the struct, if any.
fn struct_architecture(input: &DeriveInput) -> Result<Option<Expr>> {
    let mut architecture = None;
    for attr in input
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("parameters"))
    {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("architecture") {
                meta.input.parse::<Token![=]>()?;
                architecture = Some(meta.input.parse::<Expr>()?);
                Ok(())
            } else {
                Err(meta.error("a struct takes `#[parameters(architecture = \"…\")]` only"))
            }
        })?;
    }
    Ok(architecture)
}
