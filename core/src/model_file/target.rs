//! Where a save writes, and how: into a regular file, replaced atomically.
//!
//! A save writes a temporary file beside its target, flushes it to disk and renames it over the
//! target. A rename replaces whatever has the target's name, so the target is checked first:
//! a symlink is followed to the file it points to (the symlink stays, its file is replaced), and
//! anything that exists and is not a regular file (a directory, a device such as `/dev/null`, a
//! FIFO, a socket) is refused rather than replaced.
//!
//! The temporary file is named `.NAME.PID-N.tmp` for a target named `NAME`, where `PID` is the
//! process id and `N` counts the saves of the process, so concurrent saves never share one. A run
//! killed mid-save leaves its temporary file behind; [`unfinished_target`] recognizes one by its
//! name (see [`crate::checkpoint::remove_unfinished`]).

use super::ModelFileError;
use std::fs::{File, FileType};
use std::io::Write;
use std::path::{Path, PathBuf};

/// How many symlinks [`check_save_target`] follows before giving up (Linux's limit too).
const MAX_SYMLINKS: usize = 40;

/// Where a save to some path writes, as [`check_save_target`] finds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveTarget {
    /// The path as given.
    pub path: PathBuf,
    /// The regular file that is written: `path` itself, or the file that its symlink (or chain of
    /// symlinks) points to.
    pub file: PathBuf,
    /// Whether `path` is a symlink, followed to `file`.
    pub followed_symlink: bool,
    /// Whether `file` exists already, and so is replaced.
    pub exists: bool,
}

impl SaveTarget {
    /// For a symlink, what to tell the user: `PATH is a symlink to FILE: writing FILE`.
    pub fn symlink_note(&self) -> Option<String> {
        self.followed_symlink.then(|| {
            format!(
                "{} is a symlink to {}: writing {}",
                self.path.display(),
                self.file.display(),
                self.file.display()
            )
        })
    }
}

/// Checks that a model file can be saved at `path`, before the work that produces it (training)
/// starts, and says which file a save writes:
///
/// - a symlink is followed to the file it points to, which is the file written (the returned
///   [`SaveTarget`] says so; [`SaveTarget::symlink_note`] words it for the user);
/// - anything that exists and is not a regular file (a directory, a device, a FIFO, a socket) is
///   refused: [`ModelFileError::NotRegularFile`];
/// - the directory that the file is written in must exist and accept new files, which is tried by
///   creating and removing a temporary file named as a save names it:
///   [`ModelFileError::Directory`].
///
/// [`save`](super::save) makes the same checks (bar the trial file), so a target that changes
/// after this call is still never replaced by something other than a regular file.
pub fn check_save_target(path: impl AsRef<Path>) -> Result<SaveTarget, ModelFileError> {
    let target = resolve(path.as_ref())?;
    let (temporary, file) = create_temporary(&target)?;
    drop(file);
    std::fs::remove_file(&temporary).map_err(|source| ModelFileError::TemporaryFile {
        path: target.path.clone(),
        step: "remove",
        temporary,
        source,
    })?;
    Ok(target)
}

/// Writes `bytes` to `path` through a temporary file in the same directory, as
/// [`save`](super::save) does: to the file a symlink points to, and never over something that
/// is not a regular file.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ModelFileError> {
    let target = resolve(path)?;
    let (temporary, mut file) = create_temporary(&target)?;
    let failed = |step, source| {
        let _ = std::fs::remove_file(&temporary);
        ModelFileError::TemporaryFile {
            path: target.path.clone(),
            step,
            temporary: temporary.clone(),
            source,
        }
    };
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .map_err(|source| failed("write", source))?;
    file.sync_all().map_err(|source| failed("sync", source))?;
    drop(file);
    std::fs::rename(&temporary, &target.file).map_err(|source| failed("rename", source))?;
    // Make the rename itself durable where the platform allows syncing a directory.
    if let Ok(directory) = File::open(directory_of(&target.file)) {
        let _ = directory.sync_all();
    }
    Ok(())
}

/// Follows `path` through any symlinks to the file a save writes, refusing a file that is not a
/// regular one.
fn resolve(path: &Path) -> Result<SaveTarget, ModelFileError> {
    let mut file = path.to_path_buf();
    let mut followed = 0;
    let inspect_error = |at: &Path, source| ModelFileError::Io {
        action: "inspect",
        path: at.to_path_buf(),
        source,
    };
    let exists = loop {
        let metadata = match std::fs::symlink_metadata(&file) {
            Ok(metadata) => metadata,
            // Nothing there, or a directory on the way is missing or a file: creating the
            // temporary file fails too and says which.
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                break false;
            }
            Err(error) => return Err(inspect_error(&file, error)),
        };
        let file_type = metadata.file_type();
        if file_type.is_file() {
            break true;
        }
        if !file_type.is_symlink() {
            return Err(ModelFileError::NotRegularFile {
                path: path.to_path_buf(),
                file,
                kind: kind(file_type),
            });
        }
        if followed == MAX_SYMLINKS {
            return Err(inspect_error(
                path,
                std::io::Error::other(format!(
                    "more than {MAX_SYMLINKS} symlinks to follow (a symlink loop?)"
                )),
            ));
        }
        followed += 1;
        let link = std::fs::read_link(&file).map_err(|error| inspect_error(&file, error))?;
        // A relative link is relative to the directory that holds the symlink.
        file = match file.parent() {
            Some(parent) if link.is_relative() => parent.join(link),
            _ => link,
        };
    };
    if file.file_name().is_none() {
        return Err(ModelFileError::Io {
            action: "write",
            path: path.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the path does not end in a file name",
            ),
        });
    }
    Ok(SaveTarget {
        path: path.to_path_buf(),
        file,
        followed_symlink: followed > 0,
        exists,
    })
}

/// What a file that is not a regular file is, for a message: `a FIFO (named pipe)`.
fn kind(file_type: FileType) -> &'static str {
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// The directory that holds `file` (`.` for a bare file name).
fn directory_of(file: &Path) -> &Path {
    match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Creates a new, empty temporary file beside `target.file`, named as described in the module
/// documentation, and returns its path and the open file.
fn create_temporary(target: &SaveTarget) -> Result<(PathBuf, File), ModelFileError> {
    let directory = directory_of(&target.file);
    let name = target.file.file_name().expect("resolve checked the name");
    let mut temporary_name = std::ffi::OsString::from(".");
    temporary_name.push(name);
    static SAVES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = SAVES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    temporary_name.push(format!(".{}-{call}.tmp", std::process::id()));
    let temporary = directory.join(temporary_name);
    match File::create_new(&temporary) {
        Ok(file) => Ok((temporary, file)),
        Err(source) => Err(ModelFileError::Directory {
            path: target.path.clone(),
            directory: directory.to_path_buf(),
            source,
        }),
    }
}

/// If `name` is the name of a save's temporary file, the name of the file it was to become:
/// `epoch-003.safetensors` for `.epoch-003.safetensors.4711-2.tmp`.
pub(crate) fn unfinished_target(name: &str) -> Option<&str> {
    let (target, counters) = name
        .strip_prefix('.')?
        .strip_suffix(".tmp")?
        .rsplit_once('.')?;
    let (process, call) = counters.split_once('-')?;
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    (!target.is_empty() && digits(process) && digits(call)).then_some(target)
}

/// The second half of the message of [`ModelFileError::Directory`].
pub(super) fn directory_problem(directory: &Path, source: &std::io::Error) -> String {
    match source.kind() {
        std::io::ErrorKind::NotFound => {
            format!("the directory {} does not exist", directory.display())
        }
        std::io::ErrorKind::NotADirectory => format!("{} is not a directory", directory.display()),
        _ => format!(
            "cannot create a file in the directory {}: {source}",
            directory.display()
        ),
    }
}

/// The second half of the message of [`ModelFileError::NotRegularFile`].
pub(super) fn not_regular(path: &Path, file: &Path, kind: &str) -> String {
    if path == file {
        format!("it is {kind}, not a regular file")
    } else {
        format!(
            "it is a symlink to {}, which is {kind}, not a regular file",
            file.display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_are_recognized_exactly() {
        assert_eq!(
            unfinished_target(".epoch-003.safetensors.4711-2.tmp"),
            Some("epoch-003.safetensors")
        );
        assert_eq!(unfinished_target(".a.b.1-0.tmp"), Some("a.b"));
        for name in [
            "epoch-003.safetensors.4711-2.tmp",
            ".epoch-003.safetensors.4711-2",
            ".epoch-003.safetensors.4711.tmp",
            ".epoch-003.safetensors.47a1-2.tmp",
            ".epoch-003.safetensors.4711-.tmp",
            "..1-2.tmp",
            ".notes.tmp",
        ] {
            assert_eq!(unfinished_target(name), None, "{name}");
        }
    }

    #[test]
    fn the_temporary_file_is_named_for_its_target() {
        let directory = std::env::temp_dir().join(format!("nabla-target-{}", std::process::id()));
        std::fs::create_dir_all(&directory).unwrap();
        let target = resolve(&directory.join("model.safetensors")).unwrap();
        assert!(!target.exists && !target.followed_symlink);
        let (temporary, _) = create_temporary(&target).unwrap();
        let name = temporary.file_name().unwrap().to_str().unwrap();
        assert_eq!(unfinished_target(name), Some("model.safetensors"));
        std::fs::remove_dir_all(&directory).unwrap();
    }
}
