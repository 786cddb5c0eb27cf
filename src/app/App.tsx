import { BackendBadge } from '../components/BackendBadge';
import { useLens } from '../state/store';

export function App() {
  const engine = useLens((state) => state.engine);
  return (
    <div className="app">
      <header className="app__header">
        <h1>DAMRO Lens</h1>
        <p className="app__tagline">See, and reduce, object hallucination in vision-language models — in your browser.</p>
        <BackendBadge engine={engine} />
      </header>
    </div>
  );
}
