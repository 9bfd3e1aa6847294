// Parsing and the accept/rate/staleness decisions of community requests (see down_request.hpp).
#include "uplink/down_request.hpp"

#include "core/json_input.hpp"

#include <algorithm>

namespace hearth::uplink {

using json = nlohmann::json;

namespace {

bool usable_id(const std::string& id) {
    return !id.empty() && id.size() <= 64 &&
           std::all_of(id.begin(), id.end(), [](char c) { return c > ' ' && c < 127 && c != '"' && c != '\\'; });
}

/// The accept-list entry that allows a request name ("command" needs "commands").
std::optional<std::string> accept_entry(const std::string& name) {
    if (name == "health" || name == "diagnostics" || name == "logs" || name == "log_level" || name == "notify")
        return name;
    if (name == "command") return std::string("commands");
    return std::nullopt;
}

bool is_text(const json& v, std::initializer_list<std::string_view> values) {
    if (!v.is_string()) return false;
    const auto& s = v.get_ref<const std::string&>();
    return std::find(values.begin(), values.end(), s) != values.end();
}

}  // namespace

result<down_request, request_refusal> parse_down_request(std::string_view topic_name, std::string_view payload) {
    if (payload.size() > max_request_bytes)
        return fail(request_refusal{{}, "request larger than " + std::to_string(max_request_bytes) + " bytes"});
    json_input in = parse_json_input(payload);
    if (!in.ok) return fail(request_refusal{{}, "not JSON: " + in.error});
    const json& j = in.value;
    if (!j.is_object()) return fail(request_refusal{{}, "a request must be a JSON object"});
    down_request r;
    if (auto it = j.find("id"); it != j.end() && it->is_string() && usable_id(it->get<std::string>())) {
        r.id = it->get<std::string>();
    } else {
        return fail(request_refusal{{}, "\"id\" must be a string of 1 to 64 printable characters"});
    }
    if (auto it = j.find("v"); it == j.end() || !it->is_number_integer() || it->get<std::int64_t>() != 1)
        return fail(request_refusal{r.id, "unsupported or missing version \"v\" (expected 1)"});
    const auto name = j.find("name");
    if (name == j.end() || !name->is_string() || name->get<std::string>() != topic_name)
        return fail(request_refusal{r.id, "\"name\" must match the topic's request name"});
    r.name = std::string(topic_name);
    if (auto it = j.find("ts"); it != j.end() && it->is_number_integer()) {
        r.ts = it->get<std::int64_t>();
    } else {
        return fail(request_refusal{r.id, "\"ts\" must be an integer (ms since the epoch)"});
    }
    if (auto it = j.find("args"); it != j.end()) {
        if (!it->is_object()) return fail(request_refusal{r.id, "\"args\" must be an object"});
        r.args = *it;
    }
    return r;
}

std::optional<std::string> request_name_of(std::string_view prefix, std::string_view topic) {
    const std::string head = std::string(prefix) + "/down/request/";
    if (topic.size() <= head.size() || topic.substr(0, head.size()) != head) return std::nullopt;
    std::string name(topic.substr(head.size()));
    if (name.find('/') != std::string::npos || name.size() > 64) return std::nullopt;
    return name;
}

bool is_unlock_command(const json& args) {
    if (!args.is_object()) return false;
    if (auto it = args.find("command"); it != args.end() && is_text(*it, {"unlock", "unlatch", "open"})) return true;
    if (auto it = args.find("locked"); it != args.end() && (*it == false || is_text(*it, {"false", "OFF"})))
        return true;
    if (auto it = args.find("lock"); it != args.end() && (*it == false || is_text(*it, {"unlocked", "unlock"})))
        return true;
    if (auto it = args.find("state"); it != args.end() && is_text(*it, {"unlocked", "unlock", "open"})) return true;
    return false;
}

std::optional<std::string> request_gate::check_command(const json& args) const {
    const auto device = args.find("device");
    if (device == args.end() || !device->is_string()) return "\"device\" (string) is required";
    const std::string& id = device->get_ref<const std::string&>();
    if (!cfg_.command_devices.contains(id)) return "device '" + id + "' is not listed in uplink.command_devices";
    if (is_unlock_command(args) && !cfg_.unlock_devices.contains(id))
        return "unlock of '" + id + "' is not allowed (not listed in uplink.unlock_devices)";
    return std::nullopt;
}

std::optional<std::string> request_gate::check(const down_request& request, std::int64_t now_ms) {
    const auto entry = accept_entry(request.name);
    if (!entry) return "unknown request '" + request.name + "'";
    if (!cfg_.accept.contains(*entry)) return "'" + *entry + "' is not in this home's uplink.accept list";
    if (request.ts < now_ms - max_request_age_ms || request.ts > now_ms + max_request_age_ms)
        return "stale request (ts more than 5 minutes from the hub's clock)";
    if (request.name == "command") {
        if (auto why = check_command(request.args)) return why;
    }
    auto& times = recent_[request.name];
    while (!times.empty() && times.front() <= now_ms - rate_window_ms) times.pop_front();
    if (times.size() >= rate_limit_per_name) {
        return "rate limit: at most " + std::to_string(rate_limit_per_name) + " '" + request.name +
               "' requests per minute";
    }
    times.push_back(now_ms);
    return std::nullopt;
}

}  // namespace hearth::uplink
