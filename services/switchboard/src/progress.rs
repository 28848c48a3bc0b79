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
