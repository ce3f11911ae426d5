/** Runs `run` once, on the first click or key press in `target` (what browsers count as a user gesture). */
export function onFirstGesture(target: EventTarget, run: () => void): void {
  const once = () => {
    target.removeEventListener('click', once, true);
    target.removeEventListener('keydown', once, true);
    run();
  };
  target.addEventListener('click', once, true);
  target.addEventListener('keydown', once, true);
}
