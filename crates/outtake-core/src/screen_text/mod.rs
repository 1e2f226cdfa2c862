//! Text burned into the picture (edited captions of making-of clips) read
//! with Tesseract and kept as timed lines of source `screen` (migration 0015).
//!
//! `frames` samples a clip through one ffmpeg; `regions` finds caption lines
//! in each frame and cuts their ink out, black on white; `tesseract` reads
//! the cut-outs in batches; `lines` cleans the words and merges the same
//! caption across frames into one line; `store` keeps the lines as
//! machine-made cues and remembers which clips were read, so a run that is
//! stopped goes on where it was; `runs` goes through many clips (speech's
//! runs too); `background` is the window's reader of every clip not read yet.

mod background;
mod frames;
mod lines;
mod regions;
mod runs;
mod store;
mod tesseract;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

pub(crate) use background::on_wakes;
pub use background::{ReadSink, read_in_background};
pub use lines::{ScreenLine, edit_distance, language_of, similarity};
pub(crate) use runs::{RunError, read_each, read_unread};
pub(crate) use store::store_machine_lines;
pub use store::{ReadProblem, ReadProgress, ReadSummary, Which};
pub use tesseract::TESSERACT_PACKAGES;

use frames::Frames;
pub(crate) use frames::ffmpeg_reason;
use regions::Crop;

/// What stops a clip (or a whole run) from being read.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ReadError {
    #[error("{program} is not installed (on Debian or Ubuntu: apt install {packages})")]
    Missing { program: &'static str, packages: &'static str },
    #[error("cannot read the video {}: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    #[error("tesseract: {0}")]
    Tesseract(String),
    #[error("stopped")]
    Cancelled,
    #[error(transparent)]
    Library(#[from] std::sync::Arc<crate::error::Error>),
}

impl RunError for ReadError {
    fn cancelled(&self) -> bool {
        matches!(self, ReadError::Cancelled)
    }

    fn stops_the_run(&self) -> bool {
        ReadError::stops_the_run(self)
    }
}

impl From<crate::error::Error> for ReadError {
    fn from(error: crate::error::Error) -> ReadError {
        ReadError::Library(std::sync::Arc::new(error))
    }
}

impl ReadError {
    /// Whether the whole run must stop (no Tesseract, the library failed,
    /// cancelled) rather than this clip be recorded as a problem.
    pub fn stops_the_run(&self) -> bool {
        match self {
            ReadError::Missing { .. } | ReadError::Cancelled => true,
            ReadError::Library(error) => error.is_library_wide(),
            ReadError::Unreadable { .. } | ReadError::Tesseract(_) => false,
        }
    }
}

/// Checks that Tesseract and its Korean and English data are installed.
pub fn check_tesseract() -> Result<(), ReadError> {
    tesseract::check_installed()
}

/// What reading one video found, and where the time went.
#[derive(Debug, Clone, Default)]
pub struct VideoText {
    pub lines: Vec<ScreenLine>,
    /// Frames sampled.
    pub frames: usize,
    /// Caption crops Tesseract read (a caption unchanged since the frame
    /// before is not read again).
    pub crops_read: usize,
    /// Waiting for ffmpeg's frames.
    pub decoding: Duration,
    /// Finding caption lines in the frames.
    pub finding: Duration,
    /// Tesseract's time (it runs beside decoding).
    pub recognising: Duration,
    pub total: Duration,
}

/// Crops read per Tesseract process.
const BATCH: usize = 48;

/// Reads the captions burned into the video at `path`. The file is only
/// read (by ffmpeg). `cancel` stops it between frames.
pub fn read_video(path: &Path, cancel: &AtomicBool) -> Result<VideoText, ReadError> {
    let started = Instant::now();
    let mut reader = Reader {
        scratch: Scratch::new()?,
        words: Vec::new(),
        gaps: Vec::new(),
        pending: Vec::new(),
        running: None,
    };
    let mut frames = Frames::open(path)?;
    let mut result = VideoText::default();
    // Each pair of frames' lines, as (number of the crop read, where it was)
    // at the time of the pair's first frame: a caption is found where both
    // show it.
    let mut seen: Vec<(i64, Vec<(usize, regions::Rect)>)> = Vec::new();
    let mut lines_before: Vec<(usize, Crop)> = Vec::new();
    let mut inks_before: Option<(i64, regions::Inks)> = None;
    loop {
        let waited = Instant::now();
        let Some((at_ms, frame)) = frames.next(cancel)? else { break };
        result.decoding += waited.elapsed();
        result.frames += 1;
        let finding = Instant::now();
        let inks = regions::inks(&frame);
        let Some((then_ms, before)) = inks_before.replace((at_ms, inks)) else { continue };
        let inks = &inks_before.as_ref().expect("just set").1;
        let mut now: Vec<(usize, Crop)> = Vec::new();
        for crop in regions::caption_crops(&frame, inks, &before) {
            // A caption unchanged since the frame before is not read again.
            let number = match lines_before.iter().find(|(_, b)| b.same_as(&crop)) {
                Some((number, _)) => *number,
                None => reader.add(crop.clone()),
            };
            now.push((number, crop));
        }
        result.finding += finding.elapsed();
        seen.push((then_ms, now.iter().map(|(n, c)| (*n, c.place)).collect()));
        lines_before = now;
        if reader.pending.len() >= BATCH {
            reader.send(&mut result)?;
        }
    }
    reader.send(&mut result)?;
    reader.wait(&mut result)?;
    let mut merger = lines::Merger::new(1000 / i64::from(frames::PER_SECOND));
    for (at_ms, places) in seen {
        let readings = places
            .into_iter()
            .filter_map(|(n, place)| lines::clean(&reader.words[n], &reader.gaps[n], place))
            .collect();
        merger.add(at_ms, readings);
    }
    result.lines = merger.finish();
    result.total = started.elapsed();
    Ok(result)
}

type Batch = std::thread::JoinHandle<(Result<Vec<Vec<tesseract::Word>>, ReadError>, Duration)>;

/// Crops on their way through Tesseract: one batch is read on a thread while
/// the next frames are decoded. Crops are numbered in the order added.
struct Reader {
    scratch: Scratch,
    /// The words of every crop read so far.
    words: Vec<Vec<tesseract::Word>>,
    /// The spaces of every crop added (`Crop::spaces`).
    gaps: Vec<Vec<(usize, usize)>>,
    pending: Vec<Crop>,
    /// The batch being read, and how many crops it holds.
    running: Option<(Batch, usize)>,
}

impl Reader {
    /// Queues a crop; returns its number.
    fn add(&mut self, crop: Crop) -> usize {
        let in_flight = self.running.as_ref().map_or(0, |(_, n)| *n);
        self.gaps.push(crop.spaces.clone());
        self.pending.push(crop);
        self.words.len() + in_flight + self.pending.len() - 1
    }

    /// Waits for the batch being read, then starts reading the pending crops.
    fn send(&mut self, result: &mut VideoText) -> Result<(), ReadError> {
        self.wait(result)?;
        if self.pending.is_empty() {
            return Ok(());
        }
        let crops = std::mem::take(&mut self.pending);
        let count = crops.len();
        let folder = self.scratch.0.join(format!("batch{}", self.words.len()));
        let batch = std::thread::spawn(move || {
            let started = Instant::now();
            let read = std::fs::create_dir(&folder)
                .map_err(|error| ReadError::Tesseract(format!("cannot make {}: {error}", folder.display())))
                .and_then(|()| tesseract::read_crops(&crops.iter().collect::<Vec<_>>(), &folder));
            let _ = std::fs::remove_dir_all(&folder);
            (read, started.elapsed())
        });
        self.running = Some((batch, count));
        Ok(())
    }

    fn wait(&mut self, result: &mut VideoText) -> Result<(), ReadError> {
        if let Some((batch, _)) = self.running.take() {
            let (read, took) =
                batch.join().map_err(|_| ReadError::Tesseract("its reader thread failed".into()))?;
            self.words.extend(read?);
            result.recognising += took;
            result.crops_read = self.words.len();
        }
        Ok(())
    }
}

/// A private temporary folder for crops, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, ReadError> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let name = format!(
            "outtake-ocr-{}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed),
            nanos.subsec_nanos()
        );
        let path = std::env::temp_dir().join(name);
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&path).map_err(|error| {
            ReadError::Tesseract(format!("cannot make a folder for crops in {}: {error}", path.display()))
        })?;
        Ok(Scratch(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
