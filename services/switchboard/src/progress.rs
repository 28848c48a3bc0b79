//! Progress bars on stderr for long work (indexing, embedding, training).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar that draws only on a terminal, so logs and CI output stay clean.
pub fn bar(message: &'static str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg:20} [{bar:40}] {pos}/{len} ({eta})")
            .expect("static template")
            .progress_chars("=> "),
    );
    bar.set_message(message);
    bar
}

/// Moves the bar to `done` of `total`.
pub fn update(bar: &ProgressBar, done: usize, total: usize) {
    bar.set_length(total as u64);
    bar.set_position(done as u64);
}

/// Model installation progress: one bar per stage (download bytes, tensors converted).
pub struct ModelProgress {
    bar: std::sync::Mutex<Option<ProgressBar>>,
}

impl ModelProgress {
    pub fn new() -> Self {
        Self {
            bar: std::sync::Mutex::new(None),
        }
    }
}

impl speech_models::Progress for ModelProgress {
    fn stage(&self, name: &str, total: u64) {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let template = if name.starts_with("download") {
            "{msg:32} [{bar:30}] {bytes}/{total_bytes} ({eta})"
        } else {
            "{msg:32} [{bar:30}] {pos}/{len}"
        };
        bar.set_style(
            ProgressStyle::with_template(template)
                .expect("static template")
                .progress_chars("=> "),
        );
        bar.set_message(name.to_string());
        if bar.is_hidden() {
            // Not a terminal (CI, logs): one line per stage instead of a bar.
            eprintln!("models: {name}");
        }
        if let Ok(mut slot) = self.bar.lock()
            && let Some(old) = slot.replace(bar)
        {
            old.finish_and_clear();
        }
    }
    fn advance(&self, done: u64) {
        if let Ok(slot) = self.bar.lock()
            && let Some(bar) = slot.as_ref()
        {
            bar.set_position(done);
        }
    }
    fn finish(&self) {
        if let Ok(mut slot) = self.bar.lock()
            && let Some(bar) = slot.take()
        {
            bar.finish_and_clear();
        }
    }
}
