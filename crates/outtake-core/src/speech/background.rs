//! Listening in the background: the window's listener hears every clip not
//! heard yet, one at a time, like `screen_text::read_in_background` reads
//! them (its own thread and connection, news through a `ReadSink`, lines
//! that are derived data and not entries in the fan's history). whisper
//! runs in this process, on half the cores (`Listening::in_background`).
//!
//! Without a model speech is off: said once through `ReadSink::off`, never
//! an error per clip. A model that cannot be loaded is said once the same way.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::Receiver;

use super::{Listening, SpeechError, SpeechModel, Spoken, transcribe_video};
use crate::library::Library;
use crate::screen_text::{ReadSink, on_wakes, read_unread};

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
/// goes on (a clip deleted meanwhile is that clip's error, not the run's).
fn hear_unheard(
    library: &mut Library,
    model: &SpeechModel,
    listening: Listening,
    paused: &AtomicBool,
    sink: &mut dyn ReadSink,
) -> Result<(), SpeechError> {
    read_unread(library, "speech", "speech", paused, sink, |library, clip_id, path| {
        let heard = transcribe_video(path, model, listening, paused)?;
        Ok(library.store_speech_lines(clip_id, &heard.lines)?)
    })
}
