//! The thread the readers run on: the stack of a scan's workers
//! (`vigie::fuzzing::WORKER_STACK_SIZE`), so that input deep enough to overflow a worker's stack
//! in production overflows it here.
//!
//! A stack overflow faults on the guard page, and a handler running on the exhausted stack
//! faults again: the process would die without libFuzzer saving the input. So the worker gets
//! an alternate signal stack, and a SIGSEGV handler (installed before libFuzzer's, which defers
//! to it) runs there and aborts, which libFuzzer reports as a crash with the input saved.
#![allow(unsafe_code)]

use std::sync::OnceLock;

/// Room for libFuzzer's crash report (it prints and writes the input from the signal stack).
const SIGNAL_STACK: usize = 256 * 1024;

fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        install_segv_handler();
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .stack_size(vigie::fuzzing::WORKER_STACK_SIZE)
            .thread_name(|_| "vigie-fuzz-worker".into())
            .start_handler(|_| signal_stack())
            .build()
            .unwrap_or_else(|e| panic!("fuzz harness: cannot start the worker: {e}"))
    })
}

/// Run `f` on the worker; its panics reach the caller (and libFuzzer).
pub fn run<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    pool().install(f)
}

/// Call once before fuzzing starts (in the target's `init`): the SIGSEGV handler must be in
/// place before libFuzzer installs its own.
pub fn init() {
    let _ = pool();
}

extern "C" fn on_segv(_: libc::c_int, _: *mut libc::siginfo_t, _: *mut libc::c_void) {
    const MSG: &[u8] = b"\n==vigie-fuzz== SIGSEGV (a stack overflow on the worker, most likely)\n";
    // SAFETY: write(2) and abort(3) are async-signal-safe; MSG is a valid buffer.
    unsafe {
        libc::write(2, MSG.as_ptr().cast(), MSG.len());
        libc::abort();
    }
}

fn install_segv_handler() {
    // SAFETY: a zeroed sigaction is valid; the handler only calls async-signal-safe functions.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_segv as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGSEGV, &action, std::ptr::null_mut());
    }
}

/// Give the current thread an alternate signal stack (leaked: the worker lives as long as the
/// process).
fn signal_stack() {
    let stack: &'static mut [u8] = Box::leak(vec![0u8; SIGNAL_STACK].into_boxed_slice());
    let ss = libc::stack_t {
        ss_sp: stack.as_mut_ptr().cast(),
        ss_flags: 0,
        ss_size: stack.len(),
    };
    // SAFETY: `ss` describes a live buffer that is never freed.
    unsafe {
        libc::sigaltstack(&ss, std::ptr::null_mut());
    }
}
