/** The tool's version, read once from package.json (named in reports and summaries). */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const TOOL_VERSION: string = (require('../../package.json') as { version: string }).version;
