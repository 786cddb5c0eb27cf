import { createContext, useContext } from 'react';
import type { LensController } from '../controllers/lens-controller';

// Commands go to the engine through one controller; the app provides the real one, tests a fake-backed one.
export const LensContext = createContext<LensController | null>(null);

export function useLensController(): LensController {
  const controller = useContext(LensContext);
  if (!controller) throw new Error('A component that talks to the engine was rendered outside <LensContext.Provider>.');
  return controller;
}
