import type { WireError } from '../protocol/errors';
import { errorTitle } from './error-text';

export function ErrorNotice({ error, fallbackTitle }: { error: WireError; fallbackTitle: string }) {
  return (
    <div className="notice notice--error" role="alert" data-error-code={error.code}>
      <strong>{errorTitle(error.code, fallbackTitle)}.</strong> {error.message}
    </div>
  );
}
