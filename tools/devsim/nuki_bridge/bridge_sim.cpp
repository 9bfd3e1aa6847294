// Role: implementation of the simulated bridge's API and lock behaviour (see bridge_sim.hpp).
// Answers follow the public "Nuki Bridge HTTP API" document: /info, /list, /lockState,
// /lockAction, /callback/add|list|remove; 401 on a bad token, 400 on bad parameters, 404 for an
// unknown nukiId. Logs never show query strings (they carry tokens).
#include "bridge_sim.hpp"

#include <openssl/evp.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>

namespace nuki_sim {

namespace {

using json = nlohmann::json;

std::string url_decode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) != 0 &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2])) != 0) {
            out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(s[i] == '+' ? ' ' : s[i]);
        }
    }
    return out;
}

std::string sha256_hex(const std::string& s) {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(s.data(), s.size(), d, &n, EVP_sha256(), nullptr);
    std::string out;
    char buf[3];
    for (unsigned i = 0; i < n; ++i) {
        std::snprintf(buf, sizeof buf, "%02x", d[i]);
        out += buf;
    }
    return out;
}

std::string state_name(int s) {
    switch (s) {
    case 0: return "uncalibrated";
    case 1: return "locked";
    case 2: return "unlocking";
    case 3: return "unlocked";
    case 4: return "locking";
    case 5: return "unlatched";
    case 6: return "unlocked (lock 'n' go)";
    case 7: return "unlatching";
    case 254: return "motor blocked";
    default: return "undefined";
    }
}

std::string door_name(int d) {
    switch (d) {
    case 1: return "deactivated";
    case 2: return "door closed";
    case 3: return "door opened";
    case 5: return "calibrating";
    default: return "door state unknown";
    }
}

sim_response reply(unsigned status, const json& body) { return {status, body.dump(), {}, false}; }

std::string now_iso() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
    return buf;
}

}  // namespace

bool bridge_sim::is_fault(const std::string& f) {
    return f == "none" || f == "jam" || f == "low_battery" || f == "auth_failure" || f == "slow" || f == "stream_drop";
}

bridge_sim::bridge_sim(boost::asio::io_context& io, sim_options options, callback_poster poster)
    : io_(io), options_(std::move(options)), poster_(std::move(poster)) {
    static const char* names[] = {"Front door", "Back door", "Garage", "Cellar", "Shed"};
    for (int i = 0; i < options_.locks; ++i) {
        auto l = std::make_unique<lock>();
        l->nuki_id = 20000001ULL + static_cast<std::uint64_t>(i);
        l->name = i < 5 ? names[i] : "Lock " + std::to_string(i + 1);
        l->battery = 84 - i * 7;
        l->timer = std::make_unique<boost::asio::steady_timer>(io_);
        locks_.push_back(std::move(l));
    }
}

sim_response bridge_sim::handle(bool is_post, const std::string& target) {
    const auto qpos = target.find('?');
    const std::string path = target.substr(0, qpos);
    params q;
    if (qpos != std::string::npos) {
        std::size_t start = qpos + 1;
        while (start <= target.size()) {
            const auto amp = std::min(target.find('&', start), target.size());
            const std::string pair = target.substr(start, amp - start);
            const auto eq = pair.find('=');
            if (!pair.empty())
                q[url_decode(pair.substr(0, eq))] = eq == std::string::npos ? "" : url_decode(pair.substr(eq + 1));
            start = amp + 1;
        }
    }
    ++counters_[path];
    sim_response r;
    if (path.rfind("/sim/", 0) == 0) {
        r = control(path, q);
    } else if (options_.fault == "stream_drop") {
        r.drop = true;
    } else if (options_.fault == "auth_failure" || !authorized(q)) {
        r = reply(401, {{"success", false}, {"message", "unauthorized"}});
    } else {
        r = is_post ? reply(405, {{"success", false}}) : api(path, q);
        if (options_.fault == "slow") r.delay += std::chrono::milliseconds(options_.slow_ms);
    }
    if (!options_.quiet)
        std::cout << (is_post ? "POST " : "GET ") << path << " -> " << (r.drop ? 0 : r.status) << std::endl;
    return r;
}

bool bridge_sim::authorized(const params& q) {
    if (auto t = q.find("token"); t != q.end()) return t->second == options_.token;
    auto ts = q.find("ts"), rnr = q.find("rnr"), hash = q.find("hash");
    if (ts == q.end() || rnr == q.end() || hash == q.end()) return false;
    if (std::find(recent_rnr_.begin(), recent_rnr_.end(), rnr->second) != recent_rnr_.end()) return false;  // replay
    if (hash->second != sha256_hex(ts->second + "," + rnr->second + "," + options_.token)) return false;
    recent_rnr_.push_back(rnr->second);
    if (recent_rnr_.size() > 1000) recent_rnr_.pop_front();
    return true;
}

bridge_sim::lock* bridge_sim::find(const params& q) {
    auto it = q.find("nukiId");
    if (it == q.end()) return locks_.empty() ? nullptr : locks_.front().get();
    for (auto& l : locks_)
        if (std::to_string(l->nuki_id) == it->second) return l.get();
    return nullptr;
}

sim_response bridge_sim::api(const std::string& path, const params& q) {
    if (path == "/info")
        return reply(200, {{"bridgeType", 1},
                           {"ids", {{"hardwareId", 12345678}, {"serverId", 87654321}}},
                           {"versions", {{"firmwareVersion", "2.16.1"}}},
                           {"currentTime", now_iso()},
                           {"serverConnected", false}});
    if (path == "/list") return {200, list_json(), {}, false};
    if (path == "/callback/list") {
        json list = json::array();
        for (const auto& [id, url] : callbacks_) list.push_back({{"id", id}, {"url", url}});
        return reply(200, {{"callbacks", list}});
    }
    if (path == "/callback/add") {
        auto url = q.find("url");
        if (url == q.end() || url->second.rfind("http://", 0) != 0)
            return reply(400, {{"success", false}, {"message", "invalid url"}});
        for (const auto& [id, u] : callbacks_)
            if (u == url->second) return reply(200, {{"success", false}, {"message", "callback already added"}});
        if (callbacks_.size() >= 3)
            return reply(200, {{"success", false}, {"message", "too many callbacks registered"}});
        callbacks_[next_callback_id_++] = url->second;
        return reply(200, {{"success", true}});
    }
    if (path == "/callback/remove") {
        auto id = q.find("id");
        if (id == q.end()) return reply(400, {{"success", false}, {"message", "missing id"}});
        for (auto it = callbacks_.begin(); it != callbacks_.end(); ++it)
            if (std::to_string(it->first) == id->second) {
                callbacks_.erase(it);
                return reply(200, {{"success", true}});
            }
        return reply(400, {{"success", false}, {"message", "invalid id"}});
    }
    if (path == "/lockState" || path == "/lockAction") {
        if (q.count("nukiId") == 0) return reply(400, {{"success", false}, {"message", "missing nukiId"}});
        lock* l = find(q);
        if (l == nullptr) return reply(404, {{"success", false}, {"message", "unknown nukiId"}});
        if (path == "/lockState") {
            json s = json::parse(state_json(*l, false));
            s["success"] = true;
            return reply(200, s);
        }
        auto action = q.find("action");
        if (action == q.end()) return reply(400, {{"success", false}, {"message", "missing action"}});
        const bool nowait = q.count("nowait") != 0 && q.at("nowait") == "1";
        return lock_action(*l, std::atoi(action->second.c_str()), nowait);
    }
    return reply(404, {{"success", false}, {"message", "not found"}});
}

sim_response bridge_sim::lock_action(lock& l, int action, bool nowait) {
    if (action < 1 || action > 3) return reply(400, {{"success", false}, {"message", "unsupported action"}});
    if (l.state == 2 || l.state == 4 || l.state == 7)
        return reply(200, {{"success", false}, {"batteryCritical", false}});
    if (action == 1) begin_operation(l, 2, 3);
    if (action == 2) begin_operation(l, 4, 1);
    if (action == 3) begin_operation(l, 7, 5);
    sim_response r = reply(200, {{"success", true}, {"batteryCritical", options_.fault == "low_battery"}});
    if (!nowait) r.delay = std::chrono::milliseconds(options_.transition_ms + 50);  // answers when done
    return r;
}

void bridge_sim::begin_operation(lock& l, int moving, int final_state) {
    const std::uint64_t gen = ++l.generation;
    if (l.battery > 1 && gen % 4 == 0) --l.battery;
    set_state(l, moving);
    l.timer->expires_after(std::chrono::milliseconds(options_.transition_ms));
    l.timer->async_wait([this, &l, gen, final_state](const boost::system::error_code& ec) {
        if (ec || l.generation != gen) return;
        if (options_.fault == "jam") return set_state(l, 254);  // motor blocked
        set_state(l, final_state);
        if (final_state != 5) return;
        l.timer->expires_after(std::chrono::milliseconds(options_.unlatch_hold_ms));
        l.timer->async_wait([this, &l, gen](const boost::system::error_code& e) {
            if (!e && l.generation == gen && l.state == 5) set_state(l, 3);
        });
    });
}

void bridge_sim::set_state(lock& l, int state) {
    l.state = state;
    notify(l);
}

void bridge_sim::notify(const lock& l) {
    const std::string body = state_json(l, true);
    for (const auto& [id, url] : callbacks_) poster_(url, body);
}

sim_response bridge_sim::control(const std::string& path, const params& q) {
    if (path == "/sim/fault") {
        auto f = q.find("set");
        if (f == q.end() || !is_fault(f->second))
            return reply(400, {{"error", "set=none|jam|low_battery|auth_failure|slow|stream_drop"}});
        options_.fault = f->second;
        for (auto& l : locks_) notify(*l);  // battery flags may have changed
        return reply(200, {{"fault", options_.fault}});
    }
    lock* l = find(q);
    if (l == nullptr) return reply(404, {{"error", "unknown nukiId"}});
    if (path == "/sim/door") {
        auto s = q.find("state");
        if (s == q.end() || (s->second != "open" && s->second != "closed"))
            return reply(400, {{"error", "state=open|closed"}});
        l->door = s->second == "open" ? 3 : 2;
        notify(*l);
        return reply(200, {{"doorsensorState", l->door}});
    }
    if (path == "/sim/manual") {  // someone at the door: keypad, knob or app
        auto a = q.find("action");
        const int action = a == q.end()             ? 0
                           : a->second == "unlock"  ? 1
                           : a->second == "lock"    ? 2
                           : a->second == "unlatch" ? 3
                                                    : 0;
        if (action == 0) return reply(400, {{"error", "action=lock|unlock|unlatch"}});
        return lock_action(*l, action, true);
    }
    if (path == "/sim/state") {
        json locks = json::array();
        for (const auto& x : locks_) locks.push_back(json::parse(state_json(*x, true)));
        return reply(
            200,
            {{"fault", options_.fault}, {"locks", locks}, {"callbacks", callbacks_.size()}, {"requests", counters_}});
    }
    return reply(404, {{"error", "unknown control endpoint"}});
}

std::string bridge_sim::state_json(const lock& l, bool with_ids) const {
    const bool low = options_.fault == "low_battery";
    json s = {{"mode", 2},
              {"state", l.state},
              {"stateName", state_name(l.state)},
              {"batteryCritical", low},
              {"batteryCharging", false},
              {"batteryChargeState", low ? 12 : l.battery},
              {"keypadBatteryCritical", false},
              {"doorsensorState", l.door},
              {"doorsensorStateName", door_name(l.door)}};
    if (with_ids) {
        s["nukiId"] = l.nuki_id;
        s["deviceType"] = 4;
    } else {
        s["timestamp"] = now_iso();
    }
    return s.dump();
}

std::string bridge_sim::list_json() const {
    json list = json::array();
    for (const auto& l : locks_) {
        json last = json::parse(state_json(*l, false));
        list.push_back({{"deviceType", 4},
                        {"nukiId", l->nuki_id},
                        {"name", l->name},
                        {"firmwareVersion", "3.5.4"},
                        {"lastKnownState", last}});
    }
    return list.dump();
}

}  // namespace nuki_sim
