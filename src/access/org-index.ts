import {
  type Administration,
  type Attributes,
  type ChangeEvent,
  type CompiledType,
  type Contribution,
  combinePaths,
  compileType,
  DATASET_TYPE,
  type DataFilter,
  type Delegation,
  type DelegationId,
  type EffectiveFilter,
  EXPLAIN_LIMIT,
  type Explanation,
  type Group,
  type GroupId,
  maskOf,
  ORGANIZATION_TYPE,
  type Organization,
  type OrgRole,
  type OrgState,
  QUERY_CAPABILITY,
  type ResolvedPredicate,
  type Resource,
  type ResourceId,
  type Role,
  type RoleId,
  type Rule,
  type RuleId,
  resolvePredicate,
  type Subject,
  type User,
  type UserId,
} from "../domain/index.ts";
import { ListArena, PairArena } from "./arena.ts";
import { StringTable } from "./string-table.ts";

/**
 * The in-memory access index of one organization: a fold of its change log,
 * compact enough for 100k users and fast enough for millions of checks a
 * second.
 *
 * Ids are interned to dense integers. A user keeps only its explicit groups;
 * a group keeps, merged over itself and every group it is nested in (with
 * privileges on), a sorted array of (resource, capability mask) and a mask
 * per type for "all current and future" rules. A check is then a binary
 * search in each of the user's few direct groups: no per-user expansion, so
 * a rule on a group of 10,000 members re-merges only that group and the
 * groups nested inside it.
 */

const F_EXISTS = 1;
const F_ACTIVE = 2;
const F_OWNER = 4;
/** The user holds rules of their own. */
const F_RULES = 8;

const EMPTY = new Int32Array(0);

type RuleEntry = { rule: Rule; subject: number; resource: number; type: number };

function growU8(a: Uint8Array<ArrayBuffer>, n: number): Uint8Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const b = new Uint8Array(Math.max(n, a.length * 2, 64));
  b.set(a);
  return b;
}

function growI32(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const b = new Int32Array(Math.max(n, a.length * 2, 64));
  b.set(a);
  return b;
}

function removeFrom<T>(list: T[] | undefined, value: T): void {
  if (!list) return;
  const i = list.indexOf(value);
  if (i >= 0) {
    list[i] = list[list.length - 1]!;
    list.pop();
  }
}

export class OrgIndex {
  organization: Organization;
  revision: number;

  // -- catalog
  private readonly typeIdx = new Map<string, number>();
  private readonly types: CompiledType[] = [];
  private readonly roles = new Map<RoleId, Role>();
  private readonly roleMask = new Map<RoleId, number>();

  /** What checkMany's advance reads saw: read by nobody, written so that they are not optimised away. */
  touched = 0;

  // -- users
  private readonly userIdx = new Map<string, number>();
  /** Lower-cased emails: a check names its user by email more often than not (string-table.ts). */
  private readonly emailIdx = new StringTable();
  private readonly userIds: UserId[] = [];
  private readonly userRecords: (User | undefined)[] = [];
  private userFlags = new Uint8Array(0);
  /** Explicit direct groups of each user. */
  private readonly userGroups = new ListArena();
  private readonly userRules = new Map<number, RuleId[]>();
  /** Merged own rules of users that have some: resource -> mask, and type -> mask. */
  private readonly userResMask = new Map<number, Map<number, number>>();
  private readonly userTypeMask = new Map<number, number[]>();

  // -- groups
  private readonly groupIdx = new Map<string, number>();
  private readonly groupIds: GroupId[] = [];
  private readonly groupRecords: (Group | undefined)[] = [];
  private readonly parents: number[][] = [];
  private readonly children: number[][] = [];
  private readonly members: Set<number>[] = [];
  private readonly groupRules: RuleId[][] = [];
  /** Merged over the group and every group it is nested in: resource -> capability mask. */
  private readonly merged = new PairArena();
  /** Merged "all current and future" grants: typeMask[g * typeStride + t]; all of every type for admins. */
  private typeMask = new Int32Array(0);
  private typeStride = 8;
  private groupAdmin = new Uint8Array(0);
  /** Everyone and the "all current and future users" groups: every user is in them. */
  private universal: number[] = [];
  private administrators = -1;

  // -- resources
  private readonly resIdx = new Map<string, number>();
  /** type -> key -> resource: nested, so a look-up by key builds no string. */
  private readonly resKeyIdx = new Map<string, Map<string, number>>();
  private readonly resIds: ResourceId[] = [];
  private readonly resRecords: (Resource | undefined)[] = [];
  private resType = new Int32Array(0);
  private readonly byType: Set<number>[] = [];
  private readonly resRules = new Map<number, RuleId[]>();
  private readonly typeRules: RuleId[][] = [];
  private orgResource = -1;

  // -- rules, filters, delegations
  private readonly rules = new Map<RuleId, RuleEntry>();
  private readonly filters = new Map<string, DataFilter>();
  private readonly delegations = new Map<DelegationId, Delegation>();

  /** Groups whose merged grants must be recomputed; applied at the end of each change (or build). */
  private readonly dirty = new Set<number>();
  private bulk = false;
  private mark = new Uint32Array(0);
  private generation = 0;

  private constructor(organization: Organization, revision: number) {
    this.organization = organization;
    this.revision = revision;
  }

  /** Builds the index from a consistent snapshot of the organization. */
  static fromState(state: OrgState, revision: number): OrgIndex {
    const index = new OrgIndex(state.organization, revision);
    index.bulk = true;
    for (const t of state.types.values()) index.addType(t);
    for (const r of state.roles.values()) index.setRole(r);
    for (const r of state.resources.values()) index.setResource(r);
    for (const u of state.users.values()) index.setUser(u);
    for (const g of state.groups.values()) index.setGroup(g);
    for (const [g, users] of state.userMembers) for (const u of users) index.addUserMember(g, u);
    for (const [g, groups] of state.groupMembers) for (const c of groups) index.addGroupMember(g, c);
    for (const r of state.rules.values()) index.setRule(r);
    for (const f of state.filters.values()) index.filters.set(index.filterKey(f.subject, f.resourceId), f);
    for (const d of state.delegations.values()) index.delegations.set(d.id, d);
    index.bulk = false;
    for (let g = 0; g < index.groupIds.length; g++) if (index.groupRecords[g]) index.dirty.add(g);
    index.flush();
    return index;
  }

  /** Applies one logged change. Call `flush` (or use `applyAll`) before reading. */
  apply(event: ChangeEvent): void {
    switch (event.type) {
      case "organization.created":
      case "organization.updated":
        this.organization = event.organization;
        return;
      case "resource_type.created":
        this.addType(compileType(event.resourceType, false));
        return;
      case "role.created":
      case "role.updated":
        this.setRole(event.role);
        return;
      case "role.deleted":
        this.roles.delete(event.roleId);
        this.roleMask.delete(event.roleId);
        return;
      case "resource.created":
      case "resource.updated":
        this.setResource(event.resource);
        return;
      case "resource.deleted":
        this.deleteResource(event.resourceId);
        return;
      case "user.created":
      case "user.updated":
        this.setUser(event.user);
        return;
      case "user.deleted":
        this.deleteUser(event.userId);
        return;
      case "group.created":
      case "group.updated":
        this.setGroup(event.group);
        return;
      case "group.deleted":
        this.deleteGroup(event.groupId);
        return;
      case "members.added":
        for (const u of event.userIds) this.addUserMember(event.groupId, u);
        for (const c of event.groupIds) this.addGroupMember(event.groupId, c);
        return;
      case "members.removed":
        for (const u of event.userIds) this.removeUserMember(event.groupId, u);
        for (const c of event.groupIds) this.removeGroupMember(event.groupId, c);
        return;
      case "rule.set":
        this.setRule(event.rule);
        return;
      case "rule.removed":
        this.removeRule(event.ruleId);
        return;
      case "filter.set":
        for (const [k, f] of this.filters) if (f.id === event.filter.id) this.filters.delete(k);
        this.filters.set(this.filterKey(event.filter.subject, event.filter.resourceId), event.filter);
        return;
      case "filter.removed":
        for (const [k, f] of this.filters) if (f.id === event.filterId) this.filters.delete(k);
        return;
      case "delegation.created":
        this.delegations.set(event.delegation.id, event.delegation);
        return;
      case "token.created":
      case "token.revoked":
        return;
      case "delegation.removed": {
        this.delegations.delete(event.delegationId);
        for (let g = 0; g < this.groupRecords.length; g++) {
          const rec = this.groupRecords[g];
          if (rec?.delegationId === event.delegationId) this.groupRecords[g] = { ...rec, delegationId: null };
        }
        return;
      }
    }
  }

  /** Applies the changes of one revision and recomputes what they touched. */
  applyAll(events: Iterable<ChangeEvent>, revision: number): void {
    for (const e of events) this.apply(e);
    this.flush();
    this.revision = revision;
  }

  // ---- catalog -----------------------------------------------------------

  private addType(t: CompiledType): void {
    if (this.typeIdx.has(t.def.key)) return;
    this.typeIdx.set(t.def.key, this.types.length);
    this.types.push(t);
    if (this.types.length > this.typeStride) {
      const stride = this.typeStride * 2;
      const next = new Int32Array(Math.max(this.groupIds.length, 1) * stride);
      for (let g = 0; g < this.groupIds.length; g++) {
        next.set(this.typeMask.subarray(g * this.typeStride, (g + 1) * this.typeStride), g * stride);
      }
      this.typeMask = next;
      this.typeStride = stride;
    }
    // Administrators' groups hold every capability of every type, this one too.
    for (let g = 0; g < this.groupIds.length; g++) if (this.groupAdmin[g]) this.dirty.add(g);
    this.byType.push(new Set());
    this.typeRules.push([]);
    for (const r of this.roles.values())
      if (r.type === t.def.key) this.roleMask.set(r.id, maskOf(t, r.capabilities));
  }

  private setRole(role: Role): void {
    const old = this.roleMask.get(role.id);
    this.roles.set(role.id, role);
    const t = this.typeIdx.get(role.type);
    const mask = t === undefined ? 0 : maskOf(this.types[t]!, role.capabilities);
    this.roleMask.set(role.id, mask);
    if (old !== undefined && old !== mask) {
      // Every holder of a rule with this role changes.
      for (const e of this.rules.values())
        if (e.rule.roleId === role.id) this.touchSubject(e.rule.subject, e.subject);
    }
  }

  // ---- users -------------------------------------------------------------

  private setUser(user: User): void {
    let u = this.userIdx.get(user.id);
    if (u === undefined) {
      u = this.userIds.length;
      this.userIdx.set(user.id, u);
      this.userIds.push(user.id);
      this.userGroups.ensure(u + 1);
      this.userRecords.push(undefined);
      this.userFlags = growU8(this.userFlags, u + 1);
    }
    const old = this.userRecords[u];
    if (old && old.email.toLowerCase() !== user.email.toLowerCase())
      this.emailIdx.delete(old.email.toLowerCase());
    this.emailIdx.set(user.email.toLowerCase(), u);
    this.userRecords[u] = user;
    this.userFlags[u] =
      F_EXISTS |
      (user.status === "active" ? F_ACTIVE : 0) |
      (user.owner ? F_OWNER : 0) |
      (this.userFlags[u]! & F_RULES);
  }

  private deleteUser(id: UserId): void {
    const u = this.userIdx.get(id);
    if (u === undefined) return;
    const rec = this.userRecords[u];
    if (rec) this.emailIdx.delete(rec.email.toLowerCase());
    for (const g of this.userGroups.values(u)) this.members[g]?.delete(u);
    this.userGroups.clear(u);
    for (const ruleId of [...(this.userRules.get(u) ?? [])]) this.removeRule(ruleId);
    for (const [k, f] of this.filters)
      if (f.subject.kind === "user" && f.subject.id === id) this.filters.delete(k);
    for (const [k, d] of this.delegations) {
      if (d.userId === id) this.apply({ type: "delegation.removed", delegationId: k });
    }
    this.userRecords[u] = undefined;
    this.userFlags[u] = 0;
    this.userIdx.delete(id);
  }

  // ---- groups ------------------------------------------------------------

  private setGroup(group: Group): void {
    let g = this.groupIdx.get(group.id);
    const old = g === undefined ? undefined : this.groupRecords[g];
    if (g === undefined) {
      g = this.groupIds.length;
      this.groupIdx.set(group.id, g);
      this.groupIds.push(group.id);
      this.groupRecords.push(undefined);
      this.parents.push([]);
      this.children.push([]);
      this.members.push(new Set());
      this.groupRules.push([]);
      this.merged.ensure(g + 1);
      this.typeMask = growI32(this.typeMask, (g + 1) * this.typeStride);
      this.groupAdmin = growU8(this.groupAdmin, g + 1);
    }
    this.groupRecords[g] = group;
    if (group.system === "administrators") this.administrators = g;
    const universal = group.system === "everyone" || group.allUsers;
    if (universal !== this.universal.includes(g)) {
      this.universal = universal ? [...this.universal, g] : this.universal.filter((x) => x !== g);
    }
    if (!old || old.privileges !== group.privileges) this.touchDescendants(g);
  }

  private deleteGroup(id: GroupId): void {
    const g = this.groupIdx.get(id);
    if (g === undefined) return;
    for (const ruleId of [...this.groupRules[g]!]) this.removeRule(ruleId);
    this.touchDescendants(g);
    for (const u of this.members[g]!) this.userGroups.remove(u, g);
    this.members[g]!.clear();
    for (const p of this.parents[g]!) removeFrom(this.children[p], g);
    for (const c of this.children[g]!) removeFrom(this.parents[c], g);
    this.parents[g] = [];
    this.children[g] = [];
    for (const [k, f] of this.filters)
      if (f.subject.kind === "group" && f.subject.id === id) this.filters.delete(k);
    this.groupRecords[g] = undefined;
    this.merged.set(g, EMPTY, EMPTY);
    this.typeMask.fill(0, g * this.typeStride, (g + 1) * this.typeStride);
    this.groupAdmin[g] = 0;
    this.universal = this.universal.filter((x) => x !== g);
    this.dirty.delete(g);
    this.groupIdx.delete(id);
  }

  private addUserMember(groupId: GroupId, userId: UserId): void {
    const g = this.groupIdx.get(groupId);
    const u = this.userIdx.get(userId);
    if (g === undefined || u === undefined || this.members[g]!.has(u)) return;
    this.members[g]!.add(u);
    this.userGroups.push(u, g);
  }

  private removeUserMember(groupId: GroupId, userId: UserId): void {
    const g = this.groupIdx.get(groupId);
    const u = this.userIdx.get(userId);
    if (g === undefined || u === undefined || !this.members[g]!.delete(u)) return;
    this.userGroups.remove(u, g);
  }

  private addGroupMember(parentId: GroupId, childId: GroupId): void {
    const p = this.groupIdx.get(parentId);
    const c = this.groupIdx.get(childId);
    if (p === undefined || c === undefined || this.children[p]!.includes(c)) return;
    this.children[p]!.push(c);
    this.parents[c]!.push(p);
    this.touchDescendants(c);
  }

  private removeGroupMember(parentId: GroupId, childId: GroupId): void {
    const p = this.groupIdx.get(parentId);
    const c = this.groupIdx.get(childId);
    if (p === undefined || c === undefined || !this.children[p]!.includes(c)) return;
    removeFrom(this.children[p], c);
    removeFrom(this.parents[c], p);
    this.touchDescendants(c);
  }

  // ---- resources ---------------------------------------------------------

  private setResource(r: Resource): void {
    let i = this.resIdx.get(r.id);
    const t = this.typeIdx.get(r.type) ?? -1;
    if (i === undefined) {
      i = this.resIds.length;
      this.resIdx.set(r.id, i);
      this.resIds.push(r.id);
      this.resRecords.push(undefined);
      this.resType = growI32(this.resType, i + 1);
      if (t >= 0) this.byType[t]!.add(i);
    }
    const old = this.resRecords[i];
    if (old) this.resKeyIdx.get(old.type)?.delete(old.key);
    let keys = this.resKeyIdx.get(r.type);
    if (!keys) {
      keys = new Map();
      this.resKeyIdx.set(r.type, keys);
    }
    keys.set(r.key, i);
    this.resRecords[i] = r;
    this.resType[i] = t;
    if (r.type === ORGANIZATION_TYPE) this.orgResource = i;
  }

  private deleteResource(id: ResourceId): void {
    const i = this.resIdx.get(id);
    if (i === undefined) return;
    for (const ruleId of [...(this.resRules.get(i) ?? [])]) this.removeRule(ruleId);
    for (const [k, f] of this.filters) if (f.resourceId === id) this.filters.delete(k);
    for (const [k, d] of this.delegations) {
      if (d.resourceIds?.includes(id))
        this.delegations.set(k, { ...d, resourceIds: d.resourceIds.filter((x) => x !== id) });
    }
    const rec = this.resRecords[i]!;
    this.resKeyIdx.get(rec.type)?.delete(rec.key);
    this.byType[this.resType[i]!]?.delete(i);
    this.resRecords[i] = undefined;
    this.resType[i] = -1;
    this.resIdx.delete(id);
  }

  // ---- rules -------------------------------------------------------------

  private setRule(rule: Rule): void {
    if (this.rules.has(rule.id)) this.removeRule(rule.id);
    const subject =
      rule.subject.kind === "user" ? this.userIdx.get(rule.subject.id) : this.groupIdx.get(rule.subject.id);
    const type = this.typeIdx.get(rule.type);
    const resource = rule.resourceId === null ? -1 : this.resIdx.get(rule.resourceId);
    if (subject === undefined || type === undefined || resource === undefined) return;
    this.rules.set(rule.id, { rule, subject, resource, type });
    if (rule.subject.kind === "user") {
      const list = this.userRules.get(subject);
      if (list) list.push(rule.id);
      else this.userRules.set(subject, [rule.id]);
    } else {
      this.groupRules[subject]!.push(rule.id);
    }
    if (resource >= 0) {
      const list = this.resRules.get(resource);
      if (list) list.push(rule.id);
      else this.resRules.set(resource, [rule.id]);
    } else {
      this.typeRules[type]!.push(rule.id);
    }
    this.touchSubject(rule.subject, subject);
  }

  private removeRule(id: RuleId): void {
    const e = this.rules.get(id);
    if (!e) return;
    this.rules.delete(id);
    if (e.rule.subject.kind === "user") {
      const list = this.userRules.get(e.subject);
      removeFrom(list, id);
      if (list?.length === 0) this.userRules.delete(e.subject);
    } else {
      removeFrom(this.groupRules[e.subject], id);
    }
    if (e.resource >= 0) {
      const list = this.resRules.get(e.resource);
      removeFrom(list, id);
      if (list?.length === 0) this.resRules.delete(e.resource);
    } else {
      removeFrom(this.typeRules[e.type], id);
    }
    this.touchSubject(e.rule.subject, e.subject);
  }

  private touchSubject(subject: Subject, idx: number): void {
    if (subject.kind === "group") this.touchDescendants(idx);
    else this.mergeUser(idx);
  }

  private mergeUser(u: number): void {
    const ids = this.userRules.get(u);
    if (!ids || ids.length === 0) {
      this.userResMask.delete(u);
      this.userTypeMask.delete(u);
      this.userFlags[u]! &= ~F_RULES;
      return;
    }
    this.userFlags[u]! |= F_RULES;
    const res = new Map<number, number>();
    const types: number[] = [];
    for (const id of ids) {
      const e = this.rules.get(id)!;
      const m = this.roleMask.get(e.rule.roleId) ?? 0;
      if (e.resource >= 0) res.set(e.resource, (res.get(e.resource) ?? 0) | m);
      else types[e.type] = (types[e.type] ?? 0) | m;
    }
    this.userResMask.set(u, res);
    this.userTypeMask.set(u, types);
  }

  // ---- derived grants ------------------------------------------------------

  /** Marks a group and every group nested inside it (their merged grants include this group's). */
  private touchDescendants(g: number): void {
    if (this.bulk) return;
    const stack = [g];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (this.dirty.has(x)) continue;
      this.dirty.add(x);
      for (const c of this.children[x]!) stack.push(c);
    }
  }

  private nextGeneration(size: number): number {
    if (this.mark.length < size) this.mark = new Uint32Array(Math.max(size, this.mark.length * 2, 64));
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.mark.fill(0);
      this.generation = 1;
    }
    return this.generation;
  }

  /** Recomputes the merged grants of every touched group. */
  flush(): void {
    if (this.dirty.size === 0) return;
    const res = new Map<number, number>();
    for (const g of this.dirty) {
      if (!this.groupRecords[g]) continue;
      res.clear();
      const types: number[] = [];
      let admin = 0;
      const gen = this.nextGeneration(this.groupIds.length);
      const stack = [g];
      this.mark[g] = gen;
      while (stack.length > 0) {
        const a = stack.pop()!;
        if (a === this.administrators) admin = 1;
        if (this.groupRecords[a]?.privileges) {
          for (const id of this.groupRules[a]!) {
            const e = this.rules.get(id)!;
            const m = this.roleMask.get(e.rule.roleId) ?? 0;
            if (e.resource >= 0) res.set(e.resource, (res.get(e.resource) ?? 0) | m);
            else types[e.type] = (types[e.type] ?? 0) | m;
          }
        }
        for (const p of this.parents[a]!) {
          if (this.mark[p] !== gen) {
            this.mark[p] = gen;
            stack.push(p);
          }
        }
      }
      const keys = [...res.keys()].sort((x, y) => x - y);
      this.merged.set(
        g,
        keys,
        keys.map((k) => res.get(k)!),
      );
      const base = g * this.typeStride;
      for (let t = 0; t < this.typeStride; t++) {
        this.typeMask[base + t] = admin ? (this.types[t]?.allMask ?? 0) : (types[t] ?? 0);
      }
      this.groupAdmin[g] = admin;
    }
    this.dirty.clear();
  }

  // ---- look-ups ------------------------------------------------------------

  userIndex(idOrEmail: string): number | undefined {
    // Emails usually come lower-case already: only a miss pays for toLowerCase.
    return this.emailIdx.get(idOrEmail) ?? this.userByIdOrOtherCase(idOrEmail);
  }

  private userByIdOrOtherCase(idOrEmail: string): number | undefined {
    return this.userIdx.get(idOrEmail) ?? this.emailIdx.get(idOrEmail.toLowerCase());
  }

  /** userIndex() of each of a batch's users into `out` (-1 when unknown), the emails looked up together. */
  userIndexes(idsOrEmails: readonly string[], out: Int32Array): void {
    this.emailIdx.getMany(idsOrEmails, out);
    for (let i = 0; i < idsOrEmails.length; i++) {
      if (out[i]! < 0) out[i] = this.userByIdOrOtherCase(idsOrEmails[i]!) ?? -1;
    }
  }

  /** A resource by id, or by key within `type`; with `type`, a resource of another type is not found. */
  resourceIndex(id: string, type?: string): number | undefined {
    const r = this.resIdx.get(id);
    if (type === undefined) return r;
    if (r !== undefined && this.types[this.resType[r]!]?.def.key === type) return r;
    return this.resKeyIdx.get(type)?.get(id);
  }

  userId(u: number): UserId {
    return this.userIds[u]!;
  }

  user(u: number): User | undefined {
    return this.userRecords[u];
  }

  group(id: GroupId): Group | undefined {
    const g = this.groupIdx.get(id);
    return g === undefined ? undefined : this.groupRecords[g];
  }

  resource(r: number): Resource | undefined {
    return this.resRecords[r];
  }

  typeOf(r: number): CompiledType | undefined {
    return this.types[this.resType[r]!];
  }

  type(key: string): CompiledType | undefined {
    const t = this.typeIdx.get(key);
    return t === undefined ? undefined : this.types[t];
  }

  /** The capability bit of a capability of a resource's type, or 0 when the type has no such capability. */
  capabilityBit(r: number, capability: string): number {
    const t = this.types[this.resType[r]!];
    const i = t?.index.get(capability);
    return i === undefined ? 0 : 1 << i;
  }

  // ---- the hot path ----------------------------------------------------------

  private isAdminIdx(u: number): boolean {
    const ga = this.groupAdmin;
    const { off, len, data } = this.userGroups;
    for (let k = off[u]!, end = k + len[u]!; k < end; k++) if (ga[data[k]!]) return true;
    for (const g of this.universal) if (ga[g]) return true;
    return false;
  }

  /** The user's direct groups: explicit ones, then Everyone and the all-users groups. */
  private directGroups(u: number): number[] {
    return [...this.userGroups.values(u), ...this.universal];
  }

  /**
   * The capability mask of user `u` on resource `r` (interned indexes), or,
   * with `stopAt`, as soon as a path gives any of those bits.
   */
  mask(u: number, r: number, stopAt = 0): number {
    if (!(this.userFlags[u]! & F_ACTIVE)) return 0;
    const t = this.resType[r]!;
    if (t < 0) return 0;
    const all = this.types[t]!.allMask;
    const tm = this.typeMask;
    const stride = this.typeStride;
    const merged = this.merged;
    const { off, len, data } = this.userGroups;
    let m = 0;
    for (let k = off[u]!, end = k + len[u]!; k < end; k++) {
      const g = data[k]!;
      m |= tm[g * stride + t]! | merged.lookup(g, r);
      if (m & stopAt) return m & all;
    }
    const universal = this.universal;
    for (let k = 0; k < universal.length; k++) {
      const g = universal[k]!;
      m |= tm[g * stride + t]! | merged.lookup(g, r);
      if (m & stopAt) return m & all;
    }
    if (this.userFlags[u]! & F_RULES) {
      m |= (this.userResMask.get(u)?.get(r) ?? 0) | (this.userTypeMask.get(u)?.[t] ?? 0);
    }
    return m & all;
  }

  /** May user `u` use `bit` on resource `r`? */
  check(u: number, r: number, bit: number): boolean {
    return bit !== 0 && (this.mask(u, r, bit) & bit) !== 0;
  }

  /**
   * check() of the first `n` (user, resource, bit) triples into `out` (1 or
   * 0). As in StringTable.getMany, each user's flags and list of groups are
   * read for the whole batch first, in loops whose reads do not depend on
   * each other, so that they arrive together rather than one check at a time.
   */
  checkMany(us: Int32Array, rs: Int32Array, bits: Int32Array, n: number, out: Uint8Array): void {
    const flags = this.userFlags;
    const { off, len, data } = this.userGroups;
    let touched = 0;
    for (let i = 0; i < n; i++) {
      const u = us[i]!;
      touched ^= flags[u]! ^ off[u]! ^ len[u]!;
    }
    for (let i = 0; i < n; i++) {
      const u = us[i]!;
      if (len[u]! > 0) touched ^= data[off[u]!]!;
    }
    this.touched = touched;
    for (let i = 0; i < n; i++) out[i] = this.check(us[i]!, rs[i]!, bits[i]!) ? 1 : 0;
  }

  // ---- lists ---------------------------------------------------------------

  /** Resources of a type the user can use (with `need`, those giving any of those bits). */
  resourcesOf(u: number, type: string, need = -1): number[] {
    const t = this.typeIdx.get(type);
    if (t === undefined || !(this.userFlags[u]! & F_ACTIVE)) return [];
    const all = [...this.byType[t]!];
    if (this.isAdminIdx(u)) return all;
    const groups = this.directGroups(u);
    let typeWide = this.userTypeMask.get(u)?.[t] ?? 0;
    for (const g of groups) typeWide |= this.typeMask[g * this.typeStride + t]!;
    if (typeWide & need & this.types[t]!.allMask) return all;
    const gen = this.nextGeneration(this.resIds.length);
    const out: number[] = [];
    const add = (r: number, m: number) => {
      if (this.resType[r] === t && m & need && this.mark[r] !== gen) {
        this.mark[r] = gen;
        out.push(r);
      }
    };
    const { off, len, keys, vals } = this.merged;
    for (const g of groups) {
      for (let i = off[g]!, end = i + len[g]!; i < end; i++) add(keys[i]!, vals[i]!);
    }
    for (const [r, m] of this.userResMask.get(u) ?? []) add(r, m);
    return out;
  }

  /**
   * The users who can use a resource (with `need`, with any of those bits),
   * from the reverse index: the rules on the resource and its type name their
   * holders; the groups nested inside holding groups inherit; their members
   * are the answer. No check per user.
   */
  usersOf(r: number, need = -1): number[] {
    const t = this.resType[r]!;
    if (t < 0) return [];
    const want = need & this.types[t]!.allMask;
    const holders: number[] = [];
    const users: number[] = [];
    for (const id of [...(this.resRules.get(r) ?? []), ...this.typeRules[t]!]) {
      const e = this.rules.get(id)!;
      if (!((this.roleMask.get(e.rule.roleId) ?? 0) & want)) continue;
      if (e.rule.subject.kind === "user") users.push(e.subject);
      else if (this.groupRecords[e.subject]?.privileges) holders.push(e.subject);
    }
    if (this.administrators >= 0) holders.push(this.administrators);
    // Every group nested inside a holder (transitively) grants too.
    const gen = this.nextGeneration(this.groupIds.length);
    const granting: number[] = [];
    const stack = [...holders];
    for (const h of holders) this.mark[h] = gen;
    let everyone = false;
    while (stack.length > 0) {
      const g = stack.pop()!;
      granting.push(g);
      if (this.universal.includes(g)) everyone = true;
      for (const c of this.children[g]!) {
        if (this.mark[c] !== gen) {
          this.mark[c] = gen;
          stack.push(c);
        }
      }
    }
    const ugen = this.nextGeneration(this.userIds.length);
    const out: number[] = [];
    const add = (u: number) => {
      if (this.mark[u] !== ugen && this.userFlags[u]! & F_ACTIVE) {
        this.mark[u] = ugen;
        out.push(u);
      }
    };
    if (everyone) {
      for (let u = 0; u < this.userIds.length; u++) add(u);
      return out;
    }
    for (const g of granting) for (const u of this.members[g]!) add(u);
    for (const u of users) add(u);
    return out;
  }

  // ---- explain and filters -------------------------------------------------

  /** Every group of the user with one shortest path (breadth-first from its direct groups). */
  private groupPaths(u: number): Map<number, number> {
    const via = new Map<number, number>(); // group -> the group it was reached from (-1: direct)
    let frontier: number[] = [];
    for (const g of this.directGroups(u)) {
      if (!via.has(g)) {
        via.set(g, -1);
        frontier.push(g);
      }
    }
    while (frontier.length > 0) {
      const next: number[] = [];
      for (const g of frontier) {
        for (const p of this.parents[g]!) {
          if (!via.has(p)) {
            via.set(p, g);
            next.push(p);
          }
        }
      }
      frontier = next;
    }
    return via;
  }

  private pathTo(via: Map<number, number>, g: number): GroupId[] {
    const path: GroupId[] = [];
    for (let x = g; x !== -1; x = via.get(x)!) path.push(this.groupIds[x]!);
    return path.reverse();
  }

  /** Effective access with every contributing rule and one shortest path to each, bounded by `limit`. */
  explain(u: number, r: number, limit = EXPLAIN_LIMIT): Explanation {
    const t = this.resType[r]!;
    if (!(this.userFlags[u]! & F_ACTIVE) || t < 0) return { mask: 0, contributions: [], truncated: false };
    const via = this.groupPaths(u);
    const contributions: Contribution[] = [];
    let mask = 0;
    if (this.administrators >= 0 && via.has(this.administrators)) {
      mask = this.types[t]!.allMask;
      contributions.push({
        kind: "organization_role",
        role: this.userFlags[u]! & F_OWNER ? "owner" : "admin",
        path: this.pathTo(via, this.administrators),
      });
    }
    const found: { c: Contribution; depth: number }[] = [];
    const consider = (id: RuleId, path: GroupId[]) => {
      const e = this.rules.get(id)!;
      if (e.resource !== r && !(e.resource === -1 && e.type === t)) return;
      const m = this.roleMask.get(e.rule.roleId) ?? 0;
      mask |= m;
      found.push({
        c: { kind: "rule", rule: e.rule, role: this.roles.get(e.rule.roleId)!, mask: m, path },
        depth: path.length,
      });
    };
    for (const id of this.userRules.get(u) ?? []) consider(id, []);
    for (const g of via.keys()) {
      if (!this.groupRecords[g]?.privileges || this.groupRules[g]!.length === 0) continue;
      let path: GroupId[] | null = null;
      for (const id of this.groupRules[g]!) {
        const e = this.rules.get(id)!;
        if (e.resource === r || (e.resource === -1 && e.type === t)) {
          path ??= this.pathTo(via, g);
          consider(id, path);
        }
      }
    }
    found.sort(
      (a, b) => a.depth - b.depth || (b.c as { mask: number }).mask - (a.c as { mask: number }).mask,
    );
    const room = Math.max(0, limit - contributions.length);
    for (const f of found.slice(0, room)) contributions.push(f.c);
    return { mask, contributions, truncated: found.length > room };
  }

  private filterKey(subject: Subject, resourceId: ResourceId): string {
    return `${subject.kind}:${subject.id}:${resourceId}`;
  }

  /** The row filter of a user on a dataset: the OR of the filters of every path granting query. */
  dataFilter(u: number, r: number): EffectiveFilter {
    const type = this.typeOf(r);
    if (type?.def.key !== DATASET_TYPE) return { access: "none" };
    const query = this.capabilityBit(r, QUERY_CAPABILITY);
    const { mask, contributions } = this.explain(u, r, Number.POSITIVE_INFINITY);
    if (!(mask & query)) return { access: "none" };
    const attributes: Attributes = this.userRecords[u]?.attributes ?? {};
    const paths: (ResolvedPredicate | null)[] = [];
    for (const c of contributions) {
      if (c.kind === "organization_role") return { access: "unfiltered" };
      if (!(c.mask & query)) continue;
      const f = this.filters.get(this.filterKey(c.rule.subject, this.resIds[r]!));
      paths.push(f ? resolvePredicate(f.predicate, attributes) : null);
    }
    return combinePaths(paths);
  }

  // ---- administration ------------------------------------------------------

  orgRole(u: number): OrgRole {
    if (!this.isAdminIdx(u)) return "member";
    return this.userFlags[u]! & F_OWNER ? "owner" : "admin";
  }

  /** What a user may administer: everything, users or groups, or their delegations. */
  administration(u: number): Administration {
    const role = this.orgRole(u);
    const active = (this.userFlags[u]! & F_ACTIVE) !== 0;
    const org = this.orgResource;
    const caps = active && org >= 0 ? this.mask(u, org) : 0;
    const id = this.userIds[u];
    return {
      role,
      manageUsers: active && (caps & this.capabilityBit(org, "manage_users")) !== 0,
      manageGroups: active && (caps & this.capabilityBit(org, "manage_groups")) !== 0,
      delegations: active ? [...this.delegations.values()].filter((d) => d.userId === id) : [],
    };
  }

  // ---- sizes, for the benchmark and health --------------------------------

  counts() {
    return {
      users: this.userIdx.size,
      groups: this.groupIdx.size,
      resources: this.resIdx.size,
      rules: this.rules.size,
    };
  }
}
