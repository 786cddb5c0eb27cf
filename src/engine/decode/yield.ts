/**
 * Gives the event loop one full turn, so a message queued meanwhile (a cancel from the page) is handled before
 * the next step. ORT's wasm backend resolves session.run without returning to the event loop, so awaiting it is
 * not enough. A MessageChannel post is a macrotask without setTimeout's 4 ms clamp in browsers.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
