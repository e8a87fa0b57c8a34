import { workspaces } from './plugin.js';

export {
  Accounts,
  PhoneTakenError,
  type StaffRole,
  type Workspace,
  type WorkspaceUser,
} from './accounts.js';
export { COOKIE, REFRESH_PATH } from './cookies.js';
export { type KeyRing, deriveKeys } from './keys.js';
export { MIN_MASTER_PASSWORD } from './master.js';
export { type WorkspaceLimits, WorkspaceLimitsToken } from './plan-limits.js';
export { type WorkspacesOptions, workspacesOptions } from './options.js';
export { type CheckResult, type OtpPolicy, type OtpPurpose, Otps } from './otp.js';
export { DEFAULT_SCRYPT, MAX_PASSWORD, MIN_PASSWORD, PasswordHasher, type ScryptParams } from './passwords.js';
export { maskPhone, normalizePhone, phoneSchema } from './phone.js';
export { AccountsToken, PLUGIN_NAME, SessionsToken, workspaces } from './plugin.js';
export { MASTER_USER_ID, Sessions } from './sessions.js';
export { type AdminNumber, generatePassword } from './staff.js';

export default workspaces;
