/**
 * Enfyra's request access policy (server src/domain/policy/policy.service.ts,
 * checkRequestAccess): a public method passes; no user → 401; a method in
 * skipRoleGuardMethods, or a root admin, passes; otherwise a route permission
 * must list the method and either the user among its allowedUsers or the
 * user's role as its role → else 403. Permission `isEnabled` is not looked at.
 */
import type { Route } from './routes/route-model.ts';

export type AccessDecision = { allow: true } | { allow: false; statusCode: 401 | 403; message: string };

export function checkAccess(route: Route, method: string, user: Record<string, unknown> | null): AccessDecision {
  if (route.publicMethods.some((m) => m === method)) return { allow: true };
  if (!user) return { allow: false, statusCode: 401, message: 'Unauthorized' };
  if (route.skipRoleGuardMethods.some((m) => m === method)) return { allow: true };
  if (user.isRootAdmin) return { allow: true };
  const userId = String(user._id ?? user.id);
  const role = user.role as Record<string, unknown> | null | undefined;
  const roleId = role ? String(role._id ?? role.id) : null;
  const granted = route.routePermissions.some((permission) => {
    if (!permission.methods.some((m) => m === method)) return false;
    if (permission.allowedUsers.includes(userId)) return true;
    return roleId !== null && permission.roleId === roleId;
  });
  return granted ? { allow: true } : { allow: false, statusCode: 403, message: 'Forbidden' };
}
