//! A minimal `tracing` subscriber: prints mdBook's INFO/WARN/ERROR messages to stderr
//! (mdBook reports broken links and HTML problems this way) and counts the errors,
//! so that the build can fail on them. Avoids depending on tracing-subscriber.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::{Event, Level, Metadata, Subscriber, span};

/// Number of ERROR events seen so far.
#[derive(Clone)]
pub struct ErrorCount(Arc<AtomicUsize>);

impl ErrorCount {
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

struct StderrLogger {
    errors: Arc<AtomicUsize>,
}

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
}

impl Subscriber for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= &Level::INFO
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::INFO)
    }

    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1)
    }

    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}

    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}

    fn event(&self, event: &Event<'_>) {
        let level = *event.metadata().level();
        if level == Level::ERROR {
            self.errors.fetch_add(1, Ordering::SeqCst);
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        eprintln!("{:>5} {}", level, message.0);
    }

    fn enter(&self, _: &span::Id) {}

    fn exit(&self, _: &span::Id) {}
}

/// Installs the logger for the whole process.
pub fn install() -> ErrorCount {
    let errors = Arc::new(AtomicUsize::new(0));
    let logger = StderrLogger {
        errors: Arc::clone(&errors),
    };
    tracing::subscriber::set_global_default(logger).expect("no other logger is installed");
    ErrorCount(errors)
}
