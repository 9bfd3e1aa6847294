// Suggested automations in hearthd (docs/proactive.md, "Suggestions"): the daily mining run on the
// proactive worker, the `suggestions`, `suggestion/accept` and `suggestion/reject` requests, and
// the accepted/rejected ids kept in the store's meta so that a decision is never asked again.
#include "app/persistence.hpp"
#include "app/proactive_service.hpp"
#include "app/rules_service.hpp"

#include "core/json_fields.hpp"
#include "core/json_input.hpp"
#include "log/log.hpp"
#include "proactive/routine_miner.hpp"
#include "rules/scene_loader.hpp"
#include "rules/time_calc.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <fstream>

namespace hearth {

using json = nlohmann::json;
using mqtt::request_reply;

namespace {

constexpr const char* k_decisions_meta = "suggestion_decisions";
/// Decisions kept (the oldest are forgotten past this; a forgotten rejection may be offered again).
constexpr std::size_t k_max_decisions = 2000;

/// Writes `text` to `path` through a temporary file and a rename: a reader never sees half a file.
void write_atomically(const std::filesystem::path& path, const std::string& text) {
    const auto tmp = path.parent_path() / ("." + path.filename().string() + ".tmp");
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << text;
        out.flush();
        if (!out) throw std::runtime_error("cannot write " + tmp.string());
    }
    std::filesystem::rename(tmp, path);
}

std::set<std::string> string_set(const json& list) {
    std::set<std::string> out;
    if (!list.is_array()) return out;
    for (const auto& v : list) {
        if (v.is_string()) out.insert(v.get<std::string>());
    }
    return out;
}

/// The newest `k_max_decisions` ids would need order; a set keeps the smallest ones. Bounded either
/// way, and ids are hashes, so which ones are dropped is arbitrary but stable.
json bounded(const std::set<std::string>& ids) {
    json out = json::array();
    for (const auto& id : ids) {
        if (out.size() == k_max_decisions) break;
        out.push_back(id);
    }
    return out;
}

}  // namespace

void proactive_service::load_decisions() {
    try {
        if (auto saved = persist_.db().meta(k_decisions_meta)) {
            const auto j = json::parse(*saved, nullptr, false);
            if (j.is_object()) {
                accepted_ = string_set(j.value("accepted", json::array()));
                rejected_ = string_set(j.value("rejected", json::array()));
            }
        }
    } catch (const std::exception& e) {
        log::app().warn("suggestions: cannot read the earlier decisions: {}", e.what());
    }
}

void proactive_service::save_decisions() {
    try {
        persist_.db().set_meta(k_decisions_meta,
                               json{{"accepted", bounded(accepted_)}, {"rejected", bounded(rejected_)}}.dump());
    } catch (const std::exception& e) {
        log::app().warn("suggestions: cannot store the decisions: {}", e.what());
    }
}

void proactive_service::arm_mining(std::chrono::milliseconds after) {
    mine_timer_.expires_after(std::max(after, std::chrono::milliseconds(1000)));
    mine_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        mine([](const std::string& error) {
            if (!error.empty()) log::app().warn("suggestions: the daily mining run failed: {}", error);
        });
        const time_ms now = clock_.now_ms();
        const auto next = rules::next_time_of_day(now, cfg_.suggestions.mine_at_s, rules::every_day);
        arm_mining(std::chrono::milliseconds(next ? *next - now : ms_per_day));
    });
}

void proactive_service::mine(const std::function<void(const std::string&)>& done) {
    waiting_.push_back(done);
    if (mining_) return;  // the running job answers every waiting caller
    mining_ = true;
    // Routines are matched against the devices: before every driver registered its devices, a
    // run would drop the routines of the missing ones. It starts once the drivers are ready.
    if (drivers_ready_) start_mining();
}

void proactive_service::on_drivers_ready() {
    drivers_ready_ = true;
    if (mining_ && !mine_submitted_) start_mining();  // a request or the daily run came first
}

void proactive_service::start_mining() {
    mine_submitted_ = true;
    auto finish = [this](const std::string& error) {
        mining_ = false;
        mine_submitted_ = false;
        mine_error_ = error;
        auto callers = std::move(waiting_);
        waiting_.clear();
        for (auto& c : callers) c(error);
    };
    try {
        persist_.db().flush();  // the reader sees committed rows only
    } catch (const std::exception& e) {
        return finish(std::string("the database cannot be flushed: ") + e.what());
    }
    const time_ms now = clock_.now_ms();
    const time_ms from = now - static_cast<time_ms>(cfg_.suggestions.days) * ms_per_day;
    auto job = [this, alive = std::weak_ptr<bool>(alive_), path = persist_.db().path(), devices = device_snapshot(),
                from, now, finish] {
        std::vector<proactive::suggestion> found;
        json summary;
        std::string error;
        try {
            auto reader = store::open_reader(path);
            proactive::routine_miner miner;
            store::read_activity(reader, from, now, [&miner](const activity_record& r) {
                miner.add(r);
                return true;
            });
            const auto routines = miner.finish(devices, from, now);
            found = proactive::make_suggestions(routines, devices);
            summary = {{"at", now},
                       {"from", from},
                       {"to", now},
                       {"records", routines.records},
                       {"ignored", routines.ignored},
                       {"time_routines", routines.time.size()},
                       {"sequences", routines.sequences.size()}};
        } catch (const std::exception& e) {
            error = e.what();
        }
        boost::asio::post(loop_, [this, alive, found = std::move(found), summary = std::move(summary),
                                  error = std::move(error), finish]() mutable {
            if (alive.expired() || stopped_) return;
            if (error.empty()) {
                suggestions_ = std::move(found);
                mined_ = std::move(summary);
                log::app().info("suggestions: mined {} activity entries, {} suggestion(s) on offer",
                                mined_.value("records", 0), suggestions_answer()["suggestions"].size());
            }
            finish(error);
        });
    };
    if (!worker_.submit(std::move(job))) finish("the proactive worker is busy or stopped");
}

json proactive_service::suggestions_answer() const {
    json list = json::array();
    for (const auto& s : suggestions_) {
        if (accepted_.count(s.id) != 0 || rejected_.count(s.id) != 0) continue;
        list.push_back({{"id", s.id},
                        {"kind", s.kind},
                        {"sentence", s.sentence},
                        {"evidence", s.evidence},
                        {"scene_file", s.scene_file}});
    }
    return {{"suggestions", std::move(list)},
            {"last_run", mined_},
            {"accepted", accepted_.size()},
            {"rejected", rejected_.size()}};
}

std::optional<std::string> proactive_service::accept(const proactive::suggestion& s, json& answer) {
    if (cfg_.scenes_dir.empty()) return "no scenes directory is configured (\"scenes\": {\"dir\": ...})";
    const std::filesystem::path dir(cfg_.scenes_dir);
    const auto file = dir / ("suggested-" + s.id + ".json");
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (std::filesystem::exists(file, ec)) return "the file " + file.string() + " exists already";
    try {
        write_atomically(file, s.scene_file.dump(2) + "\n");
    } catch (const std::exception& e) {
        return std::string("cannot write the scene file: ") + e.what();
    }
    const auto errors = rules_.reload();
    if (!errors.empty()) {
        std::filesystem::remove(file, ec);
        return "the rules refused it, the file was removed again: " + errors.front().to_string(rules::scene_labels);
    }
    accepted_.insert(s.id);
    save_decisions();
    log::app().info("suggestions: accepted {} into {}", s.id, file.string());
    answer = {{"id", s.id}, {"file", file.string()}, {"automation", s.id}};
    return std::nullopt;
}

void proactive_service::install_suggestion_requests(mqtt::bridge& bridge) {
    bridge.add_request("suggestions", [this](const json& args, const reply_fn& reply) {
        field_reader f(args);
        const bool refresh = f.optional_bool("refresh").value_or(false);
        if (f.failed()) return reply(request_reply::failure(f.error()));
        if (!cfg_.suggestions.enabled) return reply(request_reply::failure("suggestions are disabled in the config"));
        if (!refresh && !mined_.is_null()) return reply(request_reply::success(suggestions_answer()));
        mine([this, reply](const std::string& error) {
            if (!error.empty()) return reply(request_reply::failure("mining failed: " + error));
            reply(request_reply::success(suggestions_answer()));
        });
    });
    bridge.add_request("suggestion/accept", [this](const json& args, const reply_fn& reply) {
        field_reader f(args);
        const auto id = f.required_string("id");
        if (!id) return reply(request_reply::failure(f.error()));
        if (accepted_.count(*id) != 0)
            return reply(request_reply::failure("suggestion '" + echo(*id) + "' was accepted already"));
        for (const auto& s : suggestions_) {
            if (s.id != *id) continue;
            if (rejected_.count(s.id) != 0) rejected_.erase(s.id);  // the user changed their mind
            json answer;
            if (auto why = accept(s, answer)) return reply(request_reply::failure(*why));
            return reply(request_reply::success(answer));
        }
        reply(request_reply::failure("no suggestion '" + echo(*id) + "' is on offer (ask `suggestions` first)"));
    });
    bridge.add_request("suggestion/reject", [this](const json& args, const reply_fn& reply) {
        field_reader f(args);
        const auto id = f.required_string("id");
        if (!id) return reply(request_reply::failure(f.error()));
        const bool known = std::any_of(suggestions_.begin(), suggestions_.end(),
                                       [&](const proactive::suggestion& s) { return s.id == *id; });
        if (!known) return reply(request_reply::failure("no suggestion '" + echo(*id) + "' is on offer"));
        rejected_.insert(*id);
        save_decisions();
        reply(request_reply::success({{"id", *id}, {"rejected", true}}));
    });
    bridge.add_request("care/status", [this](const json&, const reply_fn& reply) {
        if (!care_) return reply(request_reply::success({{"enabled", false}}));
        reply(request_reply::success(care_->status(clock_.now_ms())));
    });
}

}  // namespace hearth
