import { createContext, useContext } from 'react';
import type { EvalController } from '../controllers/eval-controller';

// The benchmark panel's commands; absent (no panel) where the app is embedded without them.
export const EvalContext = createContext<EvalController | null>(null);

export const useEvalController = (): EvalController | null => useContext(EvalContext);
