/**
 * Certificate policy processing, RFC 5280 §6.1.2–§6.1.5: the valid_policy_tree with
 * certificatePolicies, policyMappings, policyConstraints (requireExplicitPolicy,
 * inhibitPolicyMapping) and inhibitAnyPolicy. Policy qualifiers are not kept (the relying party
 * API has no use for them).
 *
 * A relying party that asks for `requiredPolicies` (e.g. NCA's 1.2.398.3.3.2.x) sets the
 * user-initial-policy-set to them with initial-explicit-policy: the path then validates only if
 * the leaf is valid under one of them (directly or through a mapping).
 */
import type { ParsedCertificate } from './certificate.ts'
import { refuse, LoginErrorCode } from './errors.ts'
import { ANY_POLICY } from './extension-facts.ts'

/**
 * Most nodes the tree may hold. Each certificate can multiply the tree by its policy count;
 * real PKIs stay under a few dozen, and a crafted path must not cost exponential memory.
 */
const MAX_NODES = 1000

interface PolicyNode {
  readonly policy: string
  expected: Set<string>
  readonly parent?: PolicyNode
  children: PolicyNode[]
}

/** Options of {@link processPolicies}. */
export interface PolicyOptions {
  /** user-initial-policy-set; undefined means anyPolicy. */
  readonly requiredPolicies?: readonly string[]
  readonly initialExplicitPolicy?: boolean
  readonly initialPolicyMappingInhibit?: boolean
  readonly initialAnyPolicyInhibit?: boolean
}

/** Outcome: the leaf's valid policies in the relying party's domain ('any' when unrestricted). */
export type PolicyResult = ReadonlySet<string> | 'any'

function fail(message: string, details: Record<string, string | number> = {}): never {
  return refuse(LoginErrorCode.PolicyRequired, message, details)
}

class PolicyTree {
  levels: PolicyNode[][]
  private count = 1

  constructor() {
    this.levels = [[{ policy: ANY_POLICY, expected: new Set([ANY_POLICY]), children: [] }]]
  }

  add(parent: PolicyNode, policy: string, expected: Set<string>, depth: number): void {
    if (++this.count > MAX_NODES) fail('The certificate policies of the path are too complex to evaluate', { nodes: this.count })
    const node: PolicyNode = { policy, expected, parent, children: [] }
    parent.children.push(node)
    ;(this.levels[depth] ??= []).push(node)
  }

  /** Removes `node` and its subtree. */
  remove(node: PolicyNode, depth: number): void {
    for (const child of node.children) this.remove(child, depth + 1)
    this.levels[depth] = (this.levels[depth] ?? []).filter((n) => n !== node)
    if (node.parent) node.parent.children = node.parent.children.filter((n) => n !== node)
  }

  /** Deletes childless nodes above `depth`, bottom-up; false when the tree became empty. */
  prune(depth: number): boolean {
    for (let d = depth - 1; d >= 0; d--) {
      for (const node of [...(this.levels[d] ?? [])]) if (node.children.length === 0) this.remove(node, d)
    }
    return (this.levels[0]?.length ?? 0) > 0
  }
}

/**
 * Runs §6.1 policy processing over `path` (leaf first, anchor last; the anchor is not
 * processed). Refuses ERR_POLICY_REQUIRED when explicit policy is required and none is valid.
 */
export function processPolicies(path: readonly ParsedCertificate[], options: PolicyOptions = {}): PolicyResult {
  const certs = path.slice(0, -1).reverse() // i = 1 … n, from below the anchor to the leaf
  const n = certs.length
  let tree: PolicyTree | undefined = new PolicyTree()
  const required = options.requiredPolicies
  let explicitPolicy = options.initialExplicitPolicy || required ? 0 : n + 1
  let inhibitAny = options.initialAnyPolicyInhibit ? 0 : n + 1
  let policyMapping = options.initialPolicyMappingInhibit ? 0 : n + 1

  certs.forEach((cert, index) => {
    const i = index + 1
    const isLeaf = i === n
    // (d) certificatePolicies
    if (tree && cert.policies) {
      const t: PolicyTree = tree
      const previous = t.levels[i - 1] ?? []
      for (const p of cert.policies) {
        if (p === ANY_POLICY) continue
        const matching = previous.filter((node) => node.expected.has(p))
        if (matching.length > 0) matching.forEach((node) => t.add(node, p, new Set([p]), i))
        else previous.filter((node) => node.policy === ANY_POLICY).forEach((node) => t.add(node, p, new Set([p]), i))
      }
      if (cert.policies.includes(ANY_POLICY) && (inhibitAny > 0 || (!isLeaf && cert.selfIssued))) {
        for (const node of previous) {
          for (const p of node.expected) if (!node.children.some((c) => c.policy === p)) t.add(node, p, new Set([p]), i)
        }
      }
      if (!t.prune(i)) tree = undefined
    }
    // (e) no certificatePolicies: the tree is gone
    if (!cert.policies) tree = undefined
    // (f)
    if (explicitPolicy <= 0 && !tree) fail(`No valid certificate policy at "${cert.subjectDn}" and the path requires one`, { subject: cert.subjectDn })
    if (isLeaf) return
    // §6.1.4 (a)(b) policyMappings
    if (cert.policyMappings && tree) {
      const t: PolicyTree = tree
      const byIssuer = new Map<string, Set<string>>()
      for (const m of cert.policyMappings) {
        let set = byIssuer.get(m.issuerDomainPolicy)
        if (!set) byIssuer.set(m.issuerDomainPolicy, (set = new Set()))
        set.add(m.subjectDomainPolicy)
      }
      for (const [idp, mapped] of byIssuer) {
        const level = t.levels[i] ?? []
        if (policyMapping > 0) {
          const nodes = level.filter((node) => node.policy === idp)
          if (nodes.length > 0) nodes.forEach((node) => (node.expected = new Set(mapped)))
          else {
            const anyNode = level.find((node) => node.policy === ANY_POLICY)
            if (anyNode?.parent) t.add(anyNode.parent, idp, new Set(mapped), i)
          }
        } else {
          level.filter((node) => node.policy === idp).forEach((node) => t.remove(node, i))
          if (!t.prune(i)) tree = undefined
        }
      }
    }
    // (h) (i) (j)
    if (!cert.selfIssued) {
      if (explicitPolicy > 0) explicitPolicy--
      if (policyMapping > 0) policyMapping--
      if (inhibitAny > 0) inhibitAny--
    }
    const pc = cert.policyConstraints
    if (pc?.requireExplicitPolicy !== undefined && pc.requireExplicitPolicy < explicitPolicy) explicitPolicy = pc.requireExplicitPolicy
    if (pc?.inhibitPolicyMapping !== undefined && pc.inhibitPolicyMapping < policyMapping) policyMapping = pc.inhibitPolicyMapping
    if (cert.inhibitAnyPolicy !== undefined && cert.inhibitAnyPolicy < inhibitAny) inhibitAny = cert.inhibitAnyPolicy
  })

  // §6.1.5 wrap-up
  const leaf = certs[n - 1]
  if (explicitPolicy > 0) explicitPolicy--
  if (leaf?.policyConstraints?.requireExplicitPolicy === 0) explicitPolicy = 0
  const result = intersect(tree, n, required)
  const empty = result !== 'any' && result.size === 0
  if (empty && (explicitPolicy <= 0 || required)) {
    fail(
      required
        ? `The certificate is not valid under any of the required policies ${required.join(', ')}`
        : 'The path requires an explicit certificate policy and has none',
      { required: (required ?? []).join(',') },
    )
  }
  return result
}

/** §6.1.5 (g): the tree restricted to the user-initial-policy-set, as the leaf-level policies. */
function intersect(tree: PolicyTree | undefined, n: number, required: readonly string[] | undefined): PolicyResult {
  if (!tree) return new Set()
  const leafLevel = () => tree.levels[n] ?? []
  if (!required) {
    const policies = new Set(leafLevel().map((node) => node.policy))
    return policies.has(ANY_POLICY) ? 'any' : policies
  }
  const wanted = new Set(required)
  // (ii)(iii) nodes whose parent is anyPolicy: drop those outside the user set
  for (let d = 1; d <= n; d++) {
    for (const node of [...(tree.levels[d] ?? [])]) {
      if (node.parent?.policy === ANY_POLICY && node.policy !== ANY_POLICY && !wanted.has(node.policy)) tree.remove(node, d)
    }
  }
  const out = new Set<string>()
  for (const node of leafLevel()) {
    if (node.policy === ANY_POLICY) required.forEach((p) => out.add(p))
    else if (inUserDomain(node, wanted)) out.add(node.policy)
  }
  return out
}

/** True when the branch of `node` descends from a node in the user set (or only anyPolicy). */
function inUserDomain(node: PolicyNode, wanted: ReadonlySet<string>): boolean {
  for (let cur: PolicyNode | undefined = node; cur; cur = cur.parent) {
    if (cur.parent?.policy === ANY_POLICY) return cur.policy === ANY_POLICY || wanted.has(cur.policy)
  }
  return false
}
