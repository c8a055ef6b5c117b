// A hot control tells the kernel its value once it settles, not at every step.
//
// The page answers a hot slider from frames the kernel already sent, so the kernel needs its
// value only to stay the source of truth. Sent at every press, each step was a message to the
// kernel and back (busy, the echo, idle), handled inside the frame that should paint the
// step: JupyterLab's toolbar alone lays out the page again at each kernel status. A drag or a
// held key now sends one message, SYNC_SETTLE_MS after the last step, with the last value.

const SYNC_SETTLE_MS = 150; // as the kernel's recompute of star frames waits (SETTLE_MS)

// The controls held back now: model -> {users, release} (two charts may share a control).
const held = new WeakMap();

// Holds back `control`'s (an ipywidgets model's) saves until `trait` has been still for
// `delay` ms, then sends what it holds in one message; a value the kernel sets meanwhile is
// sent in its place. Returns release(): once the last chart holding `control` lets go, what
// is held is sent now (unless the control was closed) and the model's own save is back. A
// model without the ipywidgets 7/8 fields this relies on is left as it is.
function syncOnceSettled(control, trait, delay = SYNC_SETTLE_MS) {
  let entry = held.get(control);
  if (!entry) {
    if (typeof control.save_changes !== "function" || !control._buffered_state_diff) {
      return () => {};
    }
    entry = { users: 0, release: holdSaves(control, trait, delay) };
    held.set(control, entry);
  }
  entry.users++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--entry.users > 0) return;
    held.delete(control);
    entry.release();
  };
}

// ipywidgets 8 drops the kernel's echo of a value unless it answers the last message sent
// (_expectedEchoMsgIds): while a newer value is held, no message answers to HELD, so the echo
// of an older one cannot pull the slider and the picture back.
const HELD = "rnnviz-held";

function holdSaves(control, trait, delay) {
  const save = control.save_changes,
    echoes = control._expectedEchoMsgIds;
  let timer = null,
    callbacks;
  // A control closed from Python has no comm left to send on: what was held is moot.
  const send = () => {
    clearTimeout(timer);
    timer = null;
    if (control.comm && !control._closed) save.call(control, callbacks);
  };
  control.save_changes = (given) => {
    // A save asked for while the kernel's state is applied is no student's step: the slider
    // view restating Python's value on its own grid (0.3 as 0.30000000000000004). Float noise
    // is not sent back (Python's observers would fire again); the rest goes at once, as
    // without the hold.
    const lock = control._state_lock,
      diff = control._buffered_state_diff;
    if (lock && trait in lock) {
      if (trait in diff && sameFloat(diff[trait], lock[trait])) delete diff[trait];
      return save.call(control, given);
    }
    callbacks = given;
    clearTimeout(timer);
    timer = setTimeout(send, delay);
    if (trait in diff) echoes?.set(trait, HELD);
  };
  // A value Python sets while one is held back replaces it (ipywidgets applies the kernel's
  // state with _state_lock set): what is sent is Python's value, so it lands after any of
  // the page's the kernel has queued (a busy kernel), and the page, which already shows it,
  // stays on it. HELD stays: the echoes of those queued messages are not applied either.
  const fromKernel = () => {
    if (!timer || !control._state_lock || !(trait in control._state_lock)) return;
    control._buffered_state_diff[trait] = control._state_lock[trait];
  };
  control.on(`change:${trait}`, fromKernel);
  return () => {
    control.off?.(`change:${trait}`, fromKernel);
    control.save_changes = save;
    if (timer) send();
  };
}
