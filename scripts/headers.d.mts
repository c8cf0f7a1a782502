// Types of scripts/headers.mjs for vite.config.ts and the e2e tests.
export declare const CSP_DIRECTIVES: string[];
export declare const CSP_META: string;
export declare const SECURITY_HEADERS: Record<string, string>;
