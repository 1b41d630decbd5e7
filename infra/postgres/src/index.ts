export * from './embedded-postgres';
export * from './database';
export * from './migrations';
export * from './settings';
export * from './pools';
