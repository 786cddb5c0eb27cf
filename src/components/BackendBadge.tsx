import type { EngineStatus } from '../state/store';

/** Which backend models will run on, and why WASM when it is WASM. */
export function BackendBadge({ engine }: { engine: EngineStatus }) {
  if (engine.phase === 'starting')
    return (
      <p className="backend" role="status">
        Starting the inference worker…
      </p>
    );
  if (engine.phase === 'failed')
    return (
      <p className="backend backend--error" role="alert">
        {engine.message}
      </p>
    );
  const { capabilities: caps } = engine;
  const adapter = caps.adapter;
  return (
    <p className="backend" role="status" data-backend={caps.backend}>
      {adapter ? (
        <>
          Backend: <strong>WebGPU</strong> on{' '}
          <span data-testid="adapter-name">
            {[adapter.vendor, adapter.architecture].filter(Boolean).join(' ') || 'an unnamed adapter'}
          </span>
          {adapter.shaderF16 ? ' (fp16 shaders available)' : ' (no fp16 shaders: fp16 and q4f16 models run on the CPU)'}
        </>
      ) : (
        <>
          Backend: <strong>WASM</strong> — {caps.fallbackReason}
        </>
      )}
      <span className="backend__versions">
        {' '}
        · onnxruntime-web {caps.ortVersion} · transformers.js {caps.transformersVersion}
        {caps.crossOriginIsolated
          ? ' · multi-threaded WASM'
          : ' · single-threaded WASM (page not cross-origin isolated)'}
      </span>
    </p>
  );
}
