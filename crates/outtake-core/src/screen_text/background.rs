//! Reading in the background: the window's reader reads every clip not read
//! yet, one at a time, while the fan works — after a start (a stopped run goes
//! on) and after each import that brought clips. It has a thread and a
//! connection of its own, so an import never waits behind a long clip, and
//! its ffmpeg and Tesseract run at low priority (`frames::low_priority`).
//!
//! What it keeps is machine-made and made again on demand, like storyboards
//! and content keys, so it is not an entry in the fan's history: a library
//! of 10,000 clips would otherwise push every edit the fan made out of it.
//! A run the fan asks for (`outtake read-text`) is one entry, and a line the
//! fan edits is the fan's own edit.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;

use super::{ReadError, ReadProgress, check_tesseract, read_video, runs};
use crate::library::Library;

/// Where the reader's news goes.
pub trait ReadSink {
    /// Reading this clip now; `None`: nothing is left to read.
    fn reading(&mut self, now: Option<&ReadProgress>);
    /// This clip's lines are kept (`lines` of them): search finds them now.
    fn read(&mut self, clip_id: i64, lines: usize);
    /// Why the reader stopped for good (no Tesseract), said once.
    fn off(&mut self, reason: &str);
}

/// Reads unread clips until `wake` is closed: at once, then again each time
/// something comes through `wake`. While `paused` is set nothing new is
/// started and the clip being read is left (it is read again later).
/// A clip that cannot be read is logged and tried again with the next wake.
pub fn read_in_background(
    library: &mut Library,
    wake: &Receiver<()>,
    paused: &AtomicBool,
    sink: &mut dyn ReadSink,
) {
    if let Err(error) = check_tesseract() {
        sink.off(&error.to_string());
        return;
    }
    on_wakes(wake, paused, sink, |sink| read_unread(library, paused, sink));
}

/// Runs `pass` at once, then again each time something comes through
/// `wake` (many wakes during a pass are one more), none while `paused`,
/// until `wake` is closed or a pass fails: its error is said through
/// `sink.off` and nothing more is read. The listener to speech runs the same.
pub(crate) fn on_wakes<E: std::fmt::Display>(
    wake: &Receiver<()>,
    paused: &AtomicBool,
    sink: &mut dyn ReadSink,
    mut pass: impl FnMut(&mut dyn ReadSink) -> Result<(), E>,
) {
    loop {
        if !paused.load(Ordering::Relaxed)
            && let Err(error) = pass(sink)
        {
            sink.reading(None);
            sink.off(&error.to_string());
            return;
        }
        if wake.recv().is_err() {
            return;
        }
        while wake.try_recv().is_ok() {}
    }
}

/// One pass over the clips not read yet (those imported meanwhile come
/// with the next wake). An error is one that stops every read (no
/// Tesseract, the library failed); one clip's is logged and the pass goes on.
fn read_unread(library: &mut Library, paused: &AtomicBool, sink: &mut dyn ReadSink) -> Result<(), ReadError> {
    runs::read_unread(library, "screen", "on-screen text", paused, sink, |library, clip_id, path| {
        let text = read_video(path, paused)?;
        Ok(library.store_screen_lines(clip_id, &text.lines)?)
    })
}
