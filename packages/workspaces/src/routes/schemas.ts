import { PERMISSIONS, type Role } from '@smmbot/core';
import { z } from 'zod';
import type { Workspace, WorkspaceUser } from '../accounts.js';
import { MAX_PASSWORD, MIN_PASSWORD } from '../passwords.js';
import { phoneSchema } from '../phone.js';

export const otpSchema = z.string().regex(/^\d{6}$/, 'expected the 6-digit code');
export const newPassword = z
  .string()
  .min(MIN_PASSWORD, `expected a password of at least ${MIN_PASSWORD} characters`)
  .max(MAX_PASSWORD, `expected a password of at most ${MAX_PASSWORD} characters`);
/** At sign-in any length up to the maximum is checked (the hash decides). */
export const anyPassword = z.string().min(1).max(MAX_PASSWORD);

export const phoneBody = z.strictObject({ phone: phoneSchema });

export const codeSentSchema = z.object({
  delivery: z.enum(['whatsapp', 'log']),
  expiresIn: z.number().int(),
  resendIn: z.number().int(),
});

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export const userSchema = z.object({
  id: z.string(),
  phone: z.string(),
  role: z.enum(['owner', 'staff_admin', 'staff']),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});

export const workspaceSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['active', 'suspended']),
  createdAt: z.string(),
});

export const sessionSchema = z.object({
  user: userSchema,
  workspace: workspaceSchema.nullable(),
  permissions: z.array(z.string()),
});

export function userView(u: Pick<WorkspaceUser, 'id' | 'phone' | 'role' | 'createdAt' | 'lastLoginAt'>) {
  return { id: u.id, phone: u.phone, role: u.role, createdAt: iso(u.createdAt)!, lastLoginAt: iso(u.lastLoginAt) };
}

export function workspaceView(w: Workspace) {
  return { id: w.id, name: w.name, status: w.status, createdAt: iso(w.createdAt)! };
}

/** What the dashboard may show a role: the core permission table, read, never restated. */
export function permissionsOf(role: Role): string[] {
  return Object.entries(PERMISSIONS)
    .filter(([, roles]) => (roles as readonly Role[]).includes(role))
    .map(([name]) => name);
}

export const isoTime = iso;
