//! Long jobs the window starts — a reel made into one video, a playlist, a
//! moment cut to share — run one at a time, in the order asked, on a thread of
//! their own, so the window stays free. Each tells the window how far it is
//! with `job-update` events and can be cancelled; ffmpeg does the work, and the
//! library was read before the job was queued (a job never holds it).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tauri::{AppHandle, Emitter};
use ts_rs::TS;

pub const JOB_UPDATE: &str = "job-update";

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
}

/// One job's news, for the window's job list.
#[derive(Debug, Clone, Serialize, TS)]
pub struct JobUpdate {
    pub id: u32,
    /// What the job makes, in a few words ("Reel video: horse scenes").
    pub label: String,
    pub state: JobState,
    /// Of the whole job, 0 to 1.
    pub fraction: f64,
    /// How it is being made, when that matters ("stream copy", "re-encoding").
    pub note: Option<String>,
    /// Why it failed.
    pub message: Option<String>,
    /// The file it wrote, once done.
    pub path: Option<String>,
}

/// A job's progress callback: the fraction done and, when known, how.
pub type Progress<'a> = &'a mut dyn FnMut(f64, Option<String>);
/// A job's work: given its cancel flag and progress, the path it wrote.
pub type Work = Box<dyn FnOnce(&AtomicBool, Progress<'_>) -> Result<String, outtake_core::Error> + Send>;

struct Job {
    id: u32,
    label: String,
    cancel: Arc<AtomicBool>,
    work: Work,
}

/// The handle commands hold.
pub struct Jobs {
    queue: Mutex<Sender<Job>>,
    cancels: Arc<Mutex<HashMap<u32, Arc<AtomicBool>>>>,
    next: AtomicU32,
    app: AppHandle,
}

impl Jobs {
    pub fn start(app: AppHandle) -> Jobs {
        let (queue, jobs) = channel::<Job>();
        let cancels: Arc<Mutex<HashMap<u32, Arc<AtomicBool>>>> = Arc::default();
        let thread_cancels = cancels.clone();
        let thread_app = app.clone();
        let spawned = std::thread::Builder::new().name("jobs".into()).spawn(move || {
            for job in jobs {
                run(&thread_app, job);
                // The job is over: its cancel flag goes with it.
                lock(&thread_cancels).retain(|_, flag| Arc::strong_count(flag) > 1);
            }
        });
        if let Err(error) = spawned {
            tracing::error!("cannot start the job thread: {error}");
        }
        Jobs { queue: Mutex::new(queue), cancels, next: AtomicU32::new(1), app }
    }

    /// Queues a job; its id comes back at once and its news as events.
    pub fn add(&self, label: String, work: Work) -> u32 {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let cancel = Arc::new(AtomicBool::new(false));
        lock(&self.cancels).insert(id, cancel.clone());
        tell(&self.app, JobUpdate::new(id, &label, JobState::Queued));
        let sent = self.queue.lock().unwrap_or_else(|p| p.into_inner()).send(Job {
            id,
            label: label.clone(),
            cancel,
            work,
        });
        if sent.is_err() {
            let mut update = JobUpdate::new(id, &label, JobState::Failed);
            update.message = Some("the job thread is not running; restart Outtake".into());
            tell(&self.app, update);
        }
        id
    }

    /// Asks a job to stop; a queued one never starts. False when it is over already.
    pub fn cancel(&self, id: u32) -> bool {
        match lock(&self.cancels).get(&id) {
            Some(flag) => {
                flag.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }
}

impl JobUpdate {
    fn new(id: u32, label: &str, state: JobState) -> JobUpdate {
        JobUpdate {
            id,
            label: label.to_string(),
            state,
            fraction: 0.0,
            note: None,
            message: None,
            path: None,
        }
    }
}

fn run(app: &AppHandle, job: Job) {
    let Job { id, label, cancel, work } = job;
    if cancel.load(Ordering::Relaxed) {
        tell(app, JobUpdate::new(id, &label, JobState::Cancelled));
        return;
    }
    let mut update = JobUpdate::new(id, &label, JobState::Running);
    tell(app, update.clone());
    // At most a few events a second: a progress bar, not a log.
    let mut told = std::time::Instant::now();
    let mut progress = |fraction: f64, note: Option<String>| {
        let note_changed = note.is_some() && note != update.note;
        update.fraction = fraction.clamp(0.0, 1.0);
        if note.is_some() {
            update.note = note;
        }
        if note_changed || told.elapsed() >= std::time::Duration::from_millis(200) {
            told = std::time::Instant::now();
            tell(app, update.clone());
        }
    };
    let result = work(&cancel, &mut progress);
    let mut last = JobUpdate::new(id, &label, JobState::Done);
    match result {
        Ok(path) => {
            last.fraction = 1.0;
            last.path = Some(path);
        }
        Err(_) if cancel.load(Ordering::Relaxed) => last.state = JobState::Cancelled,
        Err(error) => {
            last.state = JobState::Failed;
            last.message = Some(error.to_string());
        }
    }
    tell(app, last);
}

fn tell(app: &AppHandle, update: JobUpdate) {
    if let Err(error) = app.emit(JOB_UPDATE, update) {
        tracing::warn!("cannot send job-update: {error}");
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
