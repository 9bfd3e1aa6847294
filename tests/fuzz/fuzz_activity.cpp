// Fuzz target: the proactive layer on hostile activity-log records (docs/proactive.md): the
// routine miner with make_suggestions, and the care learner and monitor. The activity table is
// written by hearthd, but its rows carry what drivers and MQTT clients sent (names, values) and
// the database file may be damaged or edited, so every field is untrusted.
// Input: byte 0 = options (bits 0-1: minimum support 2..5, so small inputs still find routines);
// then one record per line: 2 bytes of time step in minutes (bit 15 set: a step backwards), 1 byte
// device (an index into the fuzz descriptors, or past them an unknown id), 1 byte kind (mod 4: the
// fourth is an unknown kind), then name TAB value (JSON text, or a string when it does not parse)
// TAB source. Checks: every suggestion is a valid scene file against the devices, none is unsafe,
// and the care model, its explanations and the monitor's status serialise.
#include "fuzz_support.hpp"

#include "proactive/care_model.hpp"
#include "proactive/local_week.hpp"
#include "proactive/routine_miner.hpp"
#include "proactive/suggestions.hpp"
#include "rules/scene_loader.hpp"

#include <cstdio>
#include <cstdlib>
#include <iterator>

namespace {

using hearth::activity_kind;
using hearth::activity_record;
using hearth::time_ms;

constexpr time_ms k_start = 1'767'225'600'000;  // 2026-01-01 00:00 UTC
constexpr time_ms k_minute = 60'000;

std::string_view field(std::string_view& line) {
    const std::size_t tab = line.find('\t');
    const std::string_view out = line.substr(0, tab);
    line.remove_prefix(tab == std::string_view::npos ? line.size() : tab + 1);
    return out;
}

std::vector<activity_record> records_of(hearth::fuzz::input_reader& in) {
    const auto& devices = hearth::fuzz::devices();
    std::vector<activity_record> out;
    time_ms ts = k_start;
    while (!in.empty() && out.size() < 4096) {
        std::string_view line = in.line();
        if (line.size() < 4) continue;
        const auto step =
            static_cast<std::uint16_t>((static_cast<std::uint8_t>(line[0]) << 8) | static_cast<std::uint8_t>(line[1]));
        ts += ((step & 0x8000U) != 0 ? -1 : 1) * static_cast<time_ms>(step & 0x7fffU) * k_minute;
        const auto device_index = static_cast<std::size_t>(static_cast<std::uint8_t>(line[2]));
        const auto kind_byte = static_cast<std::uint8_t>(line[3]) % 4;
        line.remove_prefix(4);
        activity_record r;
        r.ts = ts;
        if (device_index < devices.size()) {
            r.device_id = std::next(devices.begin(), static_cast<std::ptrdiff_t>(device_index))->first;
        } else {
            r.device_id = "dev_" + std::to_string(device_index);
        }
        r.kind = kind_byte == 0 ? activity_kind::command : kind_byte == 1 ? activity_kind::state : activity_kind::event;
        r.name = std::string(field(line));
        const std::string value(field(line));
        r.value = nlohmann::json::parse(value, nullptr, false);
        if (r.value.is_discarded()) r.value = value;
        r.source = kind_byte == 3 ? "unknown" : std::string(field(line));
        out.push_back(std::move(r));
    }
    return out;
}

void mine(const std::vector<activity_record>& records, int min_support, time_ms from, time_ms to) {
    using hearth::fuzz::check;
    const auto& devices = hearth::fuzz::devices();
    hearth::proactive::miner_options options;
    options.min_days = min_support;
    options.min_sequence_support = min_support;
    hearth::proactive::routine_miner miner(options);
    for (const auto& r : records) miner.add(r);
    const auto found = miner.finish(devices, from, to);
    hearth::rules::load_options load;
    load.devices = [&devices](const std::string& id) -> const hearth::device_descriptor* {
        auto it = devices.find(id);
        return it == devices.end() ? nullptr : &it->second;
    };
    const auto suggestions = hearth::proactive::make_suggestions(found, devices);
    if (std::getenv("HEARTH_FUZZ_VERBOSE") != nullptr) {  // to see that the seeds reach the suggestions
        std::fprintf(stderr, "activity: %zu time routines, %zu sequences, %zu suggestions\n", found.time.size(),
                     found.sequences.size(), suggestions.size());
    }
    for (const auto& s : suggestions) {
        check(!s.id.empty() && !s.sentence.empty(), "a suggestion without an id or a sentence");
        (void)s.evidence.dump();
        const auto loaded = hearth::rules::load_scene_sources({{"suggested.json", s.scene_file.dump()}}, load);
        check(loaded.has_value(), "a suggestion is not a valid scene file");
    }
    for (const auto& t : found.time) {
        auto it = devices.find(t.action.device);
        check(it != devices.end(), "a time routine on an unknown device");
    }
}

void care(const std::vector<activity_record>& records, time_ms from, time_ms to) {
    hearth::proactive::care_settings settings;
    settings.enabled = true;
    settings.min_learn_days = 1;
    hearth::proactive::care_learner learner(settings, from, to);
    for (const auto& r : records) learner.add(r);
    auto model = learner.finish();
    for (int h = -1; h <= hearth::proactive::k_hours_per_week; h += 13) (void)model.explain(h).dump();
    (void)model.summary().dump();
    hearth::proactive::care_monitor monitor(settings, std::move(model));
    time_ms now = from;
    for (const auto& r : records) {
        monitor.on_activity(r);
        now = std::max(now, r.ts);
        if (auto t = monitor.tick(now)) (void)t->event.dump();
        const time_ms next = monitor.next_check(now);
        if (next > now && next - now < 48 * 3'600'000) {
            if (auto t = monitor.tick(next)) (void)t->event.dump();
        }
    }
    (void)monitor.status(now).dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    hearth::fuzz::input_reader in(data, size);
    const int min_support = 2 + (in.byte() & 3);
    const auto records = records_of(in);
    time_ms from = k_start, to = k_start + 1;
    for (const auto& r : records) {
        from = std::min(from, r.ts);
        to = std::max(to, r.ts + 1);
    }
    mine(records, min_support, from, to);
    care(records, from, to);
    return 0;
}
