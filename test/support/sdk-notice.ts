/**
 * The AWS SDK's "Node 22 from 2027" notice, printed once per test file that builds a client.
 * The project supports Node 20 until then (README "Known limits"); the SDK's own switch
 * silences that one notice and no other warning. Shared by every vitest configuration.
 */
export const QUIET_SDK_NODE_NOTICE = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } as const;
