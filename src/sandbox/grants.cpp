// Manifest parsing and config narrowing (see grants.hpp).
#include "sandbox/grants.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <set>

namespace hearth::sandbox {
namespace {

using json = nlohmann::json;

constexpr std::size_t max_entries = 64;
constexpr std::size_t max_path = 4096;

constexpr std::array<std::string_view, 6> known_keys = {"network", "tcp_ports",  "listen_ports",
                                                        "devices", "read_paths", "write_paths"};
constexpr std::array<std::string_view, 5> known_kinds = {"tcp_client", "tcp_server", "udp", "broadcast", "raw"};

bool is_one_of(const auto& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

bool parse_ports(const json& v, std::vector<std::uint16_t>& out, std::string& error, const std::string& key) {
    if (!v.is_array() || v.size() > max_entries) {
        error = key + ": must be an array of at most 64 ports";
        return false;
    }
    for (const auto& p : v) {
        if (!p.is_number_integer() || p.get<std::int64_t>() < 1 || p.get<std::int64_t>() > 65535) {
            error = key + ": ports must be integers 1..65535";
            return false;
        }
        out.push_back(static_cast<std::uint16_t>(p.get<std::int64_t>()));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return true;
}

/// Absolute paths; with `allow_relative`, also paths relative to the plugin's directory without
/// any ".." component (e.g. "miot-models": data installed next to the .so).
bool parse_paths(const json& v, std::vector<std::string>& out, std::string& error, const std::string& key,
                 bool allow_relative = false) {
    if (!v.is_array() || v.size() > max_entries) {
        error = key + ": must be an array of at most 64 paths";
        return false;
    }
    for (const auto& p : v) {
        const std::string s = p.is_string() ? p.get<std::string>() : std::string();
        const bool relative_ok =
            allow_relative && !s.empty() && s[0] != '/' && ("/" + s + "/").find("/../") == std::string::npos;
        if (s.empty() || (s[0] != '/' && !relative_ok) || s.size() > max_path || s.find('\0') != std::string::npos) {
            error = key + ": every entry must be an absolute path" +
                    (allow_relative ? std::string(" or one relative to the plugin's directory (no '..')") : "");
            return false;
        }
        out.push_back(s);
    }
    return true;
}

bool parse_object(const json& m, grants& g, std::string& error) {
    if (!m.is_object()) {
        error = "the manifest must be a JSON object";
        return false;
    }
    for (const auto& [k, v] : m.items()) {
        if (!is_one_of(known_keys, k)) {
            error = "unknown manifest key '" + k + "'";
            return false;
        }
    }
    if (auto n = m.find("network"); n != m.end()) {
        if (!n->is_array() || n->size() > known_kinds.size()) {
            error = "network: must be an array of kinds (tcp_client, tcp_server, udp, broadcast, raw)";
            return false;
        }
        for (const auto& k : *n) {
            if (!k.is_string() || !is_one_of(known_kinds, k.get<std::string>())) {
                error = "network: unknown kind " + k.dump() + " (tcp_client, tcp_server, udp, broadcast, raw)";
                return false;
            }
            const auto& s = k.get_ref<const std::string&>();
            g.network.tcp_client |= s == "tcp_client";
            g.network.tcp_server |= s == "tcp_server";
            g.network.udp |= s == "udp";
            g.network.broadcast |= s == "broadcast";
            g.network.raw |= s == "raw";
        }
    }
    if (auto p = m.find("tcp_ports"); p != m.end()) {
        g.network.tcp_ports.emplace();
        if (!parse_ports(*p, *g.network.tcp_ports, error, "tcp_ports")) return false;
    }
    if (auto p = m.find("listen_ports"); p != m.end()) {
        g.network.listen_ports.emplace();
        if (!parse_ports(*p, *g.network.listen_ports, error, "listen_ports")) return false;
    }
    if (auto p = m.find("devices"); p != m.end() && !parse_paths(*p, g.devices, error, "devices")) return false;
    if (auto p = m.find("read_paths"); p != m.end() && !parse_paths(*p, g.read_paths, error, "read_paths", true)) {
        return false;
    }
    if (auto p = m.find("write_paths"); p != m.end() && !parse_paths(*p, g.write_paths, error, "write_paths")) {
        return false;
    }
    return true;
}

std::optional<std::vector<std::uint16_t>> narrow_ports(const std::optional<std::vector<std::uint16_t>>& declared,
                                                       const std::optional<std::vector<std::uint16_t>>& allowed) {
    if (!allowed) return declared;
    if (!declared) return allowed;
    std::vector<std::uint16_t> out;
    std::set_intersection(declared->begin(), declared->end(), allowed->begin(), allowed->end(),
                          std::back_inserter(out));
    return out;
}

std::vector<std::string> narrow_list(const std::vector<std::string>& declared, const json& config, const char* key) {
    auto it = config.find(key);
    if (it == config.end() || !it->is_array()) return declared;
    std::vector<std::string> out;
    for (const auto& d : declared) {
        if (std::find(it->begin(), it->end(), json(d)) != it->end()) out.push_back(d);
    }
    return out;
}

json ports_json(const std::optional<std::vector<std::uint16_t>>& p) { return p ? json(*p) : json("any"); }

}  // namespace

std::optional<grants> parse_manifest(const std::string& text, std::string& error) {
    grants g;
    if (text.empty()) return g;
    if (text.size() > std::size_t{64} * 1024) {
        error = "the manifest is larger than 64 KiB";
        return std::nullopt;
    }
    const json m = json::parse(text, nullptr, false);
    if (m.is_discarded()) {
        error = "the manifest is not valid JSON";
        return std::nullopt;
    }
    if (!parse_object(m, g, error)) return std::nullopt;
    return g;
}

grants narrow(const grants& manifest, const json& config) {
    if (!config.is_object()) return manifest;
    grants g = manifest;
    grants c;
    std::string error;
    if (!parse_object(config, c, error)) {
        // check_narrowing refused this at config load; be safe anyway: grant nothing.
        return grants{};
    }
    if (config.contains("network")) {
        g.network.tcp_client &= c.network.tcp_client;
        g.network.tcp_server &= c.network.tcp_server;
        g.network.udp &= c.network.udp;
        g.network.broadcast &= c.network.broadcast;
        g.network.raw &= c.network.raw;
    }
    g.network.tcp_ports = narrow_ports(manifest.network.tcp_ports, c.network.tcp_ports);
    g.network.listen_ports = narrow_ports(manifest.network.listen_ports, c.network.listen_ports);
    g.devices = narrow_list(manifest.devices, config, "devices");
    g.read_paths = narrow_list(manifest.read_paths, config, "read_paths");
    g.write_paths = narrow_list(manifest.write_paths, config, "write_paths");
    return g;
}

json to_json(const grants& g) {
    json kinds = json::array();
    if (g.network.tcp_client) kinds.push_back("tcp_client");
    if (g.network.tcp_server) kinds.push_back("tcp_server");
    if (g.network.udp) kinds.push_back("udp");
    if (g.network.broadcast) kinds.push_back("broadcast");
    if (g.network.raw) kinds.push_back("raw");
    json j = {{"network", kinds}, {"devices", g.devices}, {"read_paths", g.read_paths}, {"write_paths", g.write_paths}};
    if (g.network.tcp_client) j["tcp_ports"] = ports_json(g.network.tcp_ports);
    if (g.network.tcp_server) j["listen_ports"] = ports_json(g.network.listen_ports);
    return j;
}

std::vector<std::string> check_narrowing(const json& config) {
    grants c;
    std::string error;
    if (!parse_object(config, c, error)) return {error};
    return {};
}

}  // namespace hearth::sandbox
