/**
 * Client address rules: {@link dev.bulwark.core.iprules.IpRulesConfig} (allow and deny CIDR lists, validated at
 * config load), the compiled {@link dev.bulwark.core.iprules.CidrSet} and the
 * {@link dev.bulwark.core.iprules.IpRulesFilter} that applies global and per-route rules at
 * {@link dev.bulwark.api.Stage#IP_RULES}. Addresses are parsed by hand ({@link dev.bulwark.core.iprules.IpLiterals});
 * nothing here ever resolves a name.
 */
package dev.bulwark.core.iprules;
