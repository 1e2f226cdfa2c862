//! Listening in the background: the window's listener hears every clip not
//! heard yet, one at a time, like `screen_text::read_in_background` reads
//! them (its own thread and connection, news through a `ReadSink`, lines
//! that are derived data and not entries in the fan's history). whisper
//! runs in this process, on half the cores (`Listening::in_background`).
//!
//! Without a model speech is off: said once through `ReadSink::off`, never
//! an error per clip. A model that cannot be loaded is said once the same way.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;

use super::{Listening, SpeechError, SpeechModel, Spoken, transcribe_video};
use crate::library::Library;
use crate::screen_text::{ReadProgress, ReadSink, Which, on_wakes};

/// Hears unheard clips with the model at `model` until `wake` is closed: at
/// once, then again each time something comes through `wake`. While `paused`
/// is set nothing new is started and the clip being heard is left (it is
/// heard again later). A clip that cannot be heard is logged and tried again
/// with the next wake.
pub fn listen_in_background(
    library: &mut Library,
    model: Option<&Path>,
    spoken: Spoken,
    wake: &Receiver<()>,
    paused: &AtomicBool,
    sink: &mut dyn ReadSink,
) {
    let loaded = model.ok_or(SpeechError::NoModel).and_then(SpeechModel::load);
    let model = match loaded.and_then(|model| model.check_language(spoken).map(|()| model)) {
        Ok(model) => model,
        Err(error) => return sink.off(&error.to_string()),
    };
    let listening = Listening::in_background(spoken);
    on_wakes(wake, paused, sink, |sink| hear_unheard(library, &model, listening, paused, sink));
}

/// One pass over the clips not heard yet. An error is one that stops every
/// clip (no ffmpeg, the library failed); one clip's is logged and the pass
/// goes on.
fn hear_unheard(
    library: &mut Library,
    model: &SpeechModel,
    listening: Listening,
    paused: &AtomicBool,
    sink: &mut dyn ReadSink,
) -> Result<(), SpeechError> {
    let clips = library.clips_to_read(&Which::Unread, "speech")?;
    let total = clips.len();
    for (i, (clip_id, title)) in clips.into_iter().enumerate() {
        if paused.load(Ordering::Relaxed) {
            break;
        }
        sink.reading(Some(&ReadProgress { clip_id, title, number: i + 1, total }));
        match hear_one(library, clip_id, model, listening, paused) {
            Ok(Some(lines)) => sink.read(clip_id, lines),
            Ok(None) => {}
            Err(SpeechError::Cancelled) => break,
            Err(error) if error.stops_the_run() => return Err(error),
            Err(error) => tracing::info!("speech of clip #{clip_id}: {error}"),
        }
    }
    sink.reading(None);
    Ok(())
}

/// Hears one clip and keeps its lines; `None` when it has no copy on disk now.
/// A clip deleted meanwhile is that clip's error, not the run's.
fn hear_one(
    library: &mut Library,
    clip_id: i64,
    model: &SpeechModel,
    listening: Listening,
    paused: &AtomicBool,
) -> Result<Option<usize>, SpeechError> {
    let Some(path) = library.reachable_path(clip_id)? else { return Ok(None) };
    let heard = transcribe_video(&path, model, listening, paused)?;
    Ok(Some(library.store_speech_lines(clip_id, &heard.lines)?))
}
