export * from './spaces';
export * from './grid';
export * from './processor';
export * from './patches';
export * from './hf-config';
