// Driver isolation end to end with the store: a real hearthd, a real mosquitto and SQLite. Two
// process-isolated iso_counter drivers count every 20 ms; the faulty one floods, segfaults, hangs
// and exhausts its memory limit on command while the steady one keeps counting. Checked over MQTT:
// the steady device never goes offline and answers a command during every fault; the faulty one
// is restarted (new worker PID, health) after each fault but not after the flood. Checked in the
// database after a clean stop: the steady counter's history is gapless (every tick landed),
// every value either device showed on MQTT is in the history, integrity_check is ok. A second
// case SIGKILLs hearthd right after a worker crash: everything committed before it survives.
#include "support/hearth_fixture.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>
#include <utility>

#ifndef ISO_COUNTER_DIR
#error "ISO_COUNTER_DIR must name the directory of the iso_counter plugin"
#endif

namespace hearth::test {

using namespace hearth::testing;  // the installed test kit: temp dirs, ports, processes
namespace {

using json = nlohmann::json;

const std::string steady = "steady_counter";
const std::string faulty = "faulty_counter";

/// (worker PID, counter value): the identity of one reading; a restarted worker counts from 1.
using reading = std::pair<long, long>;

/// Reading the database hearthd left behind (opened only after hearthd exited).
class database {
public:
    explicit database(const std::filesystem::path& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
            const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            db_ = nullptr;
            throw std::runtime_error("cannot open " + path.string() + ": " + why);
        }
    }
    ~database() { sqlite3_close(db_); }
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    /// Every row of `sql` (one text bind ?1 if `arg` is set), each column as text ("" for NULL).
    std::vector<std::vector<std::string>> rows(const std::string& sql, const std::string& arg = {}) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
            throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
        if (!arg.empty()) sqlite3_bind_text(stmt, 1, arg.c_str(), -1, SQLITE_TRANSIENT);
        std::vector<std::vector<std::string>> out;
        int rc = 0;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            std::vector<std::string> row;
            for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
                const auto* text = sqlite3_column_text(stmt, i);
                row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
            }
            out.push_back(std::move(row));
        }
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE) throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
        return out;
    }

    /// The (instance, value) history of one counter in insertion order. A state report with both
    /// keys is stored "instance" first (sorted keys), so each value follows its worker's PID.
    std::vector<reading> history(const std::string& device) {
        std::vector<reading> out;
        long instance = -1;
        for (const auto& r : rows("SELECT property, CAST(value_num AS INTEGER) FROM state_history "
                                  "WHERE device_id = ?1 AND property IN ('instance', 'value') ORDER BY id",
                                  device)) {
            if (r[0] == "instance")
                instance = std::stol(r[1]);
            else
                out.emplace_back(instance, std::stol(r[1]));
        }
        return out;
    }

private:
    sqlite3* db_ = nullptr;
};

/// The (instance, value) pairs of every state message of `device` in `msgs`.
std::vector<reading> mqtt_readings(const std::vector<received>& msgs, const std::string& device) {
    std::vector<reading> out;
    for (const auto& m : msgs) {
        if (m.topic != state_topic(device)) continue;
        const json s = m.as_json();
        if (s.is_object() && s.contains("instance") && s.contains("value"))
            out.emplace_back(s["instance"].get<long>(), s["value"].get<long>());
    }
    return out;
}

bool is_availability(const received& m, const std::string& device, const std::string& state) {
    if (m.topic != availability_topic(device)) return false;
    const json j = m.as_json();
    return j.is_object() && j.value("state", std::string()) == state;
}

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer reserves terabytes of address space for its shadow memory: a worker under an
// RLIMIT_AS limit cannot even start, so the asan preset runs without memory limits (no leak fault).
constexpr bool k_address_limits = false;
constexpr int k_sanitizer_slowdown = 4;  // the instrumented flood runs several times slower
#else
constexpr bool k_address_limits = true;
constexpr int k_sanitizer_slowdown = 1;
#endif

class isolation_store : public hearth_test {
protected:
    static json counter_driver(const std::string& id) {
        json d = {{"plugin", "iso_counter"}, {"id", id}, {"isolation", "process"}, {"config", {{"period_ms", 20}}}};
        if (k_address_limits) d["limits"] = {{"memory_mb", 64}};
        return d;
    }

    /// hearthd with only the two counters (the plugin dir is the test's), a 1 s call timeout and
    /// the default 3 s heartbeat timeout (a loaded CI box must not kill the steady worker).
    daemon_options counter_options() const {
        daemon_options o = default_daemon_options();
        o.log_level = "info";
        o.config_extra = {
            {"plugins",
             {{"dir", ISO_COUNTER_DIR}, {"call_timeout_ms", 1000}, {"max_restarts", 5}, {"crash_window_s", 300}}},
            {"drivers", json::array({counter_driver("steady"), counter_driver("faulty")})},
            // As daemon_process writes it, plus a backup dir: the "backup" request flushes first.
            {"database",
             {{"path", (dir_ / "db" / "hearth.db").string()},
              {"commit_interval_ms", 100},
              {"backup_dir", (dir_ / "backups").string()},
              {"backup_interval_h", 0}}}};
        return o;
    }

    void bring_up() {
        start_broker();
        probe_ = make_probe({"hearth/+", "hearth/+/availability", "hearth/+/response", bridge_state_topic});
        start_daemon(counter_options());
        ASSERT_TRUE(wait_online(*probe_, 10s));
        ASSERT_TRUE(wait_counting(steady, 0, 5, 10s)) << "the steady counter never counted to 5";
        ASSERT_TRUE(wait_counting(faulty, 0, 5, 10s)) << "the faulty counter never counted to 5";
    }

    /// Waits for a state of `device` from `from` on with value >= `at_least`; returns it.
    std::optional<json> wait_counting(const std::string& device, std::size_t from, long at_least,
                                      std::chrono::milliseconds timeout) {
        auto m = probe_->wait_message(
            [&](const received& r) {
                if (r.topic != state_topic(device)) return false;
                const json s = r.as_json();
                return s.is_object() && s.value("value", 0L) >= at_least && s.contains("instance");
            },
            timeout, from);
        if (!m) return std::nullopt;
        return m->as_json();
    }

    /// The faulty driver's entry of the health request (null if missing).
    json faulty_health() {
        const json h = probe_->request("health");
        if (h.value("status", "") != "ok") return nullptr;
        for (const auto& d : h["data"]["drivers"])
            if (d.value("id", "") == "faulty") return d;
        return nullptr;
    }

    std::unique_ptr<mqtt_probe> probe_;
};

struct fault {
    std::string command;
    json params;
    bool restarts;      ///< the worker must be killed and restarted
    std::string cause;  ///< expected in health's last_error after the restart
};

TEST_F(isolation_store, worker_faults_lose_nothing_in_the_store) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    std::set<long> faulty_workers = {probe_->latest(state_topic(faulty))->as_json()["instance"].get<long>()};
    const long steady_worker = probe_->latest(state_topic(steady))->as_json()["instance"].get<long>();
    int expected_errors = faulty_health().value("errors", 0);

    const std::vector<fault> faults = {
        {"flood", {{"count", 50000 / k_sanitizer_slowdown}}, false, ""},
        {"crash", json::object(), true, "SIGSEGV"},
        {"hang", json::object(), true, "did not return within"},
        {"leak", json::object(), true, "memory limit"},
    };
    for (const auto& f : faults) {
        if (f.command == "leak" && !k_address_limits) continue;
        SCOPED_TRACE("fault: " + f.command);
        const std::size_t from = probe_->mark();
        const json faulty_before = probe_->latest(state_topic(faulty))->as_json();
        const long worker_before = faulty_before["instance"].get<long>();
        const long value_before = faulty_before["value"].get<long>();
        const std::string tx = mqtt_probe::next_transaction();
        probe_->publish("hearth/" + faulty + "/set",
                        json{{"command", f.command}, {"params", f.params}, {"transaction", tx}}.dump());

        // The neighbour answers while the fault is under way (flooding / dying / hung).
        const json pong = probe_->set(steady, {{"command", "ping"}});
        EXPECT_EQ(pong.value("status", ""), "ok") << pong;

        const auto reply = probe_->wait_message(
            [&](const received& m) {
                return m.topic == "hearth/" + faulty + "/response" && m.as_json().value("transaction", "") == tx;
            },
            15s, from);
        ASSERT_TRUE(reply) << "no response to the faulty command";
        const json answer = reply->as_json();

        if (!f.restarts) {
            EXPECT_EQ(answer.value("status", ""), "ok") << answer;
            const long flooded = value_before + f.params.value("count", 0L);
            ASSERT_TRUE(wait_counting(faulty, from, flooded, 20s * k_sanitizer_slowdown))
                << "the flood never reached " << flooded;
            const long worker_now = probe_->latest(state_topic(faulty))->as_json()["instance"].get<long>();
            EXPECT_EQ(worker_now, worker_before) << "a flood must not restart the worker";
            for (const auto& m : probe_->messages(from)) EXPECT_FALSE(is_availability(m, faulty, "offline"));
            continue;
        }

        EXPECT_EQ(answer.value("status", ""), "error") << answer;
        const auto offline =
            probe_->wait_message([&](const received& m) { return is_availability(m, faulty, "offline"); }, 10s, from);
        ASSERT_TRUE(offline) << "the faulty device never went offline";

        // While its neighbour is down (the restart backoff is >= 1 s), the steady device answers.
        const std::size_t pong_sent = probe_->mark();
        const json pong_down = probe_->set(steady, {{"command", "ping"}});
        EXPECT_EQ(pong_down.value("status", ""), "ok") << pong_down;
        const auto pong_msg = probe_->latest("hearth/" + steady + "/response", pong_sent);
        ASSERT_TRUE(pong_msg);

        const auto online = probe_->wait_message(
            [&](const received& m) { return is_availability(m, faulty, "online"); }, 20s, offline->index);
        ASSERT_TRUE(online) << "the faulty device never came back online";
        EXPECT_LT(pong_msg->index, online->index) << "the ping was not answered while the faulty worker was down";

        // A new worker (new PID) counts again from 1.
        auto restarted = probe_->wait_message(
            [&](const received& m) {
                if (m.topic != state_topic(faulty)) return false;
                const json s = m.as_json();
                return s.is_object() && s.contains("instance") && !faulty_workers.contains(s["instance"].get<long>());
            },
            10s, offline->index);
        ASSERT_TRUE(restarted) << "no state from a new worker";
        const long new_worker = restarted->as_json()["instance"].get<long>();
        faulty_workers.insert(new_worker);
        ASSERT_TRUE(wait_counting(faulty, restarted->index, 5, 10s)) << "the restarted worker does not count";

        const json health = faulty_health();
        ASSERT_TRUE(health.is_object()) << "no health for the faulty driver";
        EXPECT_EQ(health.value("status", ""), "running") << health;
        EXPECT_NE(health.value("last_error", "").find(f.cause), std::string::npos) << health;
        EXPECT_GT(health.value("errors", 0), expected_errors) << health;
        expected_errors = health.value("errors", 0);

        // The steady counter kept counting through the whole fault.
        std::set<long> steady_values;
        for (const auto& [w, v] : mqtt_readings(probe_->messages(from), steady)) {
            EXPECT_EQ(w, steady_worker);
            steady_values.insert(v);
        }
        EXPECT_GE(steady_values.size(), 10u) << "the steady counter stalled during the fault";
    }
    EXPECT_EQ(faulty_workers.size(), k_address_limits ? 4u : 3u) << "one restart per crash, hang and leak";

    // Over MQTT the steady device never went offline once it was online (a device is published
    // offline when it registers, before its driver reports it available).
    const auto before_stop = probe_->messages();
    const auto first_online = std::find_if(before_stop.begin(), before_stop.end(),
                                           [](const received& m) { return is_availability(m, steady, "online"); });
    ASSERT_NE(first_online, before_stop.end());
    for (auto it = first_online; it != before_stop.end(); ++it)
        EXPECT_FALSE(is_availability(*it, steady, "offline")) << "index " << it->index;
    const auto health = probe_->request("health");
    for (const auto& d : health["data"]["drivers"])
        if (d.value("id", "") == "steady") {
            EXPECT_EQ(d.value("errors", -1), 0) << d;
        }

    const exit_info stopped = daemon_->stop(10s);
    EXPECT_TRUE(stopped.exited && !stopped.signalled && stopped.code == 0)
        << "hearthd did not stop cleanly: signalled " << stopped.signalled << " code " << stopped.code;

    database db(daemon_->database_path());
    EXPECT_EQ(db.rows("PRAGMA integrity_check"), (std::vector<std::vector<std::string>>{{"ok"}}));

    // (a) Every tick of the steady counter is in the history, once, in order: 1, 2, ..., N.
    const auto steady_history = db.history(steady);
    ASSERT_FALSE(steady_history.empty());
    for (std::size_t i = 0; i < steady_history.size(); ++i) {
        ASSERT_EQ(steady_history[i], reading(steady_worker, static_cast<long>(i) + 1)) << "history row " << i;
    }
    const auto ticks =
        db.rows("SELECT payload FROM events WHERE device_id = ?1 AND event_type = 'tick' ORDER BY id", steady);
    for (std::size_t i = 0; i < ticks.size(); ++i) {
        ASSERT_EQ(json::parse(ticks[i][0]).value("n", 0L), static_cast<long>(i) + 1) << "tick event row " << i;
    }
    EXPECT_GE(ticks.size() + 1, steady_history.size());
    const auto current = db.rows("SELECT value FROM current_state WHERE device_id = ?1 AND property = 'value'", steady);
    ASSERT_EQ(current.size(), 1u);
    EXPECT_EQ(current[0][0], std::to_string(steady_history.back().second));

    // (b) Every value either counter showed on MQTT (until hearthd exited) is in the history.
    const auto all = probe_->messages();
    for (const std::string& device : {steady, faulty}) {
        SCOPED_TRACE("device " + device);
        const auto stored = db.history(device);
        const std::set<reading> in_store(stored.begin(), stored.end());
        const auto seen = mqtt_readings(all, device);
        EXPECT_GT(seen.size(), 20u);
        std::size_t missing = 0;
        for (const auto& r : seen) {
            if (!in_store.contains(r) && ++missing <= 5)
                ADD_FAILURE() << "seen on MQTT but not stored: worker " << r.first << " value " << r.second;
        }
        EXPECT_EQ(missing, 0u) << "of " << seen.size() << " readings seen on MQTT, " << stored.size() << " stored";
    }
    // The faulty device's history holds the readings of all four workers.
    std::set<long> stored_workers;
    for (const auto& [w, v] : db.history(faulty)) stored_workers.insert(w);
    EXPECT_EQ(stored_workers, faulty_workers);
    std::cout << "steady history: " << steady_history.size() << " values, faulty: " << db.history(faulty).size()
              << " values in " << stored_workers.size() << " workers\n";
}

// hearthd itself dies (SIGKILL) right after a worker crash. The "backup" request flushes the
// store before it answers, so every reading the probe had seen before sending it was accepted
// before that commit: all of them must survive the kill, the steady history must be a gapless
// 1..N, and the next start must open the same file and go on.
TEST_F(isolation_store, daemon_killed_after_a_worker_crash_keeps_committed_history) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    const std::size_t from = probe_->mark();
    probe_->publish("hearth/" + faulty + "/set", json{{"command", "crash"}}.dump());
    ASSERT_TRUE(
        probe_->wait_message([&](const received& m) { return is_availability(m, faulty, "offline"); }, 10s, from));
    const auto committed = probe_->messages();  // all seen before the flush below was requested
    const json backup = probe_->request("backup");
    daemon_->kill_hard();
    ASSERT_EQ(backup.value("status", ""), "ok") << backup;
    ASSERT_TRUE(daemon_->last_exit().signalled) << "hearthd was not killed";

    {
        database db(daemon_->database_path());
        EXPECT_EQ(db.rows("PRAGMA integrity_check"), (std::vector<std::vector<std::string>>{{"ok"}}));
        const auto history = db.history(steady);
        ASSERT_FALSE(history.empty()) << "nothing committed in the run";
        for (std::size_t i = 0; i < history.size(); ++i) {
            ASSERT_EQ(history[i].second, static_cast<long>(i) + 1) << "history row " << i;
        }
        for (const std::string& device : {steady, faulty}) {
            SCOPED_TRACE("device " + device);
            const auto stored = db.history(device);
            const std::set<reading> in_store(stored.begin(), stored.end());
            const auto seen = mqtt_readings(committed, device);
            EXPECT_FALSE(seen.empty());
            for (const auto& r : seen) {
                EXPECT_TRUE(in_store.contains(r))
                    << "committed before the kill but lost: worker " << r.first << " value " << r.second;
            }
        }
    }
    database copy(backup["data"].value("path", ""));
    EXPECT_EQ(copy.rows("PRAGMA integrity_check"), (std::vector<std::vector<std::string>>{{"ok"}}));

    // The next start opens the same file, restores both devices and keeps appending.
    const std::size_t restart = probe_->mark();
    start_daemon(counter_options());
    ASSERT_TRUE(wait_online(*probe_, 10s, restart));
    ASSERT_TRUE(wait_counting(steady, restart, 5, 10s));
    ASSERT_TRUE(wait_counting(faulty, restart, 5, 10s));
    const exit_info stopped = daemon_->stop(10s);
    EXPECT_TRUE(stopped.exited && !stopped.signalled && stopped.code == 0);
    database db(daemon_->database_path());
    EXPECT_EQ(db.rows("PRAGMA integrity_check"), (std::vector<std::vector<std::string>>{{"ok"}}));
    EXPECT_EQ(db.rows("SELECT id FROM devices ORDER BY id"),
              (std::vector<std::vector<std::string>>{{faulty}, {steady}}));
}

}  // namespace
}  // namespace hearth::test
