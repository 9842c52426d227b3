// The emulator checks requests and answers against the official description; tests use the same checker.
export { NeonOpenApi as NeonSchema } from '../../emulator/openapi.js';
