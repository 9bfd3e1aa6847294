// The fake plugin host (see fake_host.hpp).
#include <hearth/testing/fake_host.hpp>

#include <algorithm>
#include <future>
#include <stdexcept>

namespace hearth::testing {

namespace {
using json = nlohmann::json;
std::string str(hearth_str s) { return s.data == nullptr ? std::string() : std::string(s.data, s.size); }
using steady = std::chrono::steady_clock;
}  // namespace

int host_record::availability_of(const std::string& id) const {
    const auto it = availability.find(id);
    return it == availability.end() || it->second.empty() ? -1 : (it->second.back() ? 1 : 0);
}

bool host_record::logged(const std::string& text, int min_level) const {
    for (std::size_t i = 0; i < logs.size(); ++i)
        if (log_levels[i] >= min_level && logs[i].find(text) != std::string::npos) return true;
    return false;
}

std::string host_record::all_logs() const {
    std::string out;
    for (const auto& l : logs) out += l + "\n";
    return out;
}

std::vector<json> host_record::events_of(const std::string& type) const {
    std::vector<json> out;
    for (const auto& [dev, e] : events)
        if (e.is_object() && e.value("event_type", "") == type) out.push_back(e);
    return out;
}

json host_record::prop(const std::string& device, const std::string& property) const {
    const auto it = state.find(device);
    return it == state.end() || !it->second.contains(property) ? json() : it->second[property];
}

bool host_record::said(const std::string& needle) const {
    return std::any_of(texts.begin(), texts.end(), [&](const auto& t) { return t.find(needle) != std::string::npos; });
}

fake_host::fake_host(clock_fn clock) : fake_host(host_options{std::move(clock), {}, {}, true}) {}

fake_host::fake_host(host_options options) : options_(std::move(options)) {
    if (!options_.clock) {
        options_.clock = [] {
            return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  std::chrono::system_clock::now().time_since_epoch())
                                                  .count());
        };
    }
    install_api();
    thread_ = std::thread([this] { loop(); });
}

void fake_host::install_api() {
    api_.struct_size = sizeof(hearth_host_api);
    api_.abi_major = HEARTH_ABI_MAJOR;
    api_.abi_minor = HEARTH_ABI_MINOR;
    api_.log = [](hearth_host* h, int level, hearth_str m) {
        const std::string text = str(m);
        self(h).record("log", text, [&](host_record& r) {
            r.logs.push_back(std::to_string(level) + " " + text);
            r.log_levels.push_back(level);
            r.timeline.push_back("log " + std::to_string(level) + " " + text);
        });
    };
    api_.register_device = [](hearth_host* h, hearth_str d) {
        const std::string text = str(d);
        const json desc = json::parse(text, nullptr, false);
        int rc = HEARTH_OK;
        fake_host& self_ = self(h);
        self_.record("register_device", text, [&](host_record& r) {
            if (!desc.is_object() || !desc.contains("id") || !desc["id"].is_string()) {
                r.violations.push_back("descriptor without a string id: " + text.substr(0, 80));
                rc = HEARTH_ERR_INVALID;
                return;
            }
            if (self_.options_.check_descriptor) {
                const auto errors = self_.options_.check_descriptor(desc);
                for (const auto& e : errors) r.violations.push_back("descriptor: " + e);
                if (!errors.empty()) {
                    rc = HEARTH_ERR_INVALID;
                    return;
                }
            }
            r.descriptors[desc["id"].get<std::string>()] = desc;
        });
        return rc;
    };
    api_.remove_device = [](hearth_host* h, hearth_str id) {
        const std::string dev = str(id);
        self(h).record("remove_device", dev, [&](host_record& r) { r.descriptors.erase(dev); });
        return static_cast<int>(HEARTH_OK);
    };
    api_.report_state = [](hearth_host* h, hearth_str id, hearth_str s) {
        const std::string text = str(s), dev = str(id);
        const json st = json::parse(text, nullptr, false);
        int rc = HEARTH_OK;
        fake_host& self_ = self(h);
        self_.record("report_state", text, [&](host_record& r) {
            if (!st.is_object()) {
                r.violations.push_back("state is not a JSON object: " + text.substr(0, 80));
                rc = HEARTH_ERR_INVALID;
                return;
            }
            self_.check_state(r, dev, st);
            for (const auto& [k, v] : st.items()) r.state[dev][k] = v;
            r.state_reports[dev].push_back(st);
            if (st.contains("lock_state") && st["lock_state"].is_string()) {
                auto& hist = r.lock_states[dev];
                const std::string ls = st["lock_state"].get<std::string>();
                if (hist.empty() || hist.back() != ls) {  // the core passes on only changes
                    hist.push_back(ls);
                    r.timeline.push_back("state " + dev + " " + ls);
                }
            }
        });
        return rc;
    };
    api_.report_event = [](hearth_host* h, hearth_str id, hearth_str e) {
        const std::string text = str(e), dev = str(id);
        const json ev = json::parse(text, nullptr, false);
        self(h).record("report_event", text, [&](host_record& r) {
            const auto desc = r.descriptors.find(dev);
            const json* declared =
                desc != r.descriptors.end() && desc->second.contains("events") ? &desc->second["events"] : nullptr;
            if (!ev.is_object() || !ev.contains("event_type") || declared == nullptr || !declared->is_array() ||
                std::find(declared->begin(), declared->end(), ev["event_type"]) == declared->end())
                r.violations.push_back("undeclared event of " + dev + ": " + text.substr(0, 80));
            r.events.emplace_back(dev, ev);
        });
        return static_cast<int>(HEARTH_OK);
    };
    api_.report_availability = [](hearth_host* h, hearth_str id, int on) {
        const std::string dev = str(id);
        self(h).record("report_availability", dev, [&](host_record& r) {
            r.online[dev] = on != 0;
            r.availability[dev].push_back(on != 0);
            r.timeline.push_back("online " + dev + " " + std::to_string(on != 0 ? 1 : 0));
        });
        return static_cast<int>(HEARTH_OK);
    };
    api_.command_result = [](hearth_host* h, std::uint64_t cid, int st, hearth_str m) {
        const std::string text = str(m);
        self(h).record("command_result", text, [&](host_record& r) {
            std::string then;
            for (const auto& [dev, hist] : r.lock_states)
                if (!hist.empty()) then = hist.back();  // single-lock tests: the lock's state
            r.results[cid] = {st, text, then};
        });
        return static_cast<int>(HEARTH_OK);
    };
    api_.set_timer = [](hearth_host* h, std::uint32_t delay, hearth_timer_fn fn, void* user) {
        fake_host& t = self(h);
        t.record("set_timer", "", [&](host_record& r) {
            ++r.timers_set;
            if (!t.options_.timers_allowed) r.violations.push_back("unexpected set_timer");
        });
        std::lock_guard lock(t.loop_mutex_);
        if (t.quit_) return std::uint64_t{0};
        const std::uint64_t id = t.next_timer_id_++;
        t.timers_.emplace(steady::now() + std::chrono::milliseconds(delay), timer{id, fn, user});
        t.loop_cv_.notify_all();
        return id;
    };
    api_.cancel_timer = [](hearth_host* h, std::uint64_t id) {
        fake_host& t = self(h);
        std::lock_guard lock(t.loop_mutex_);
        for (auto it = t.timers_.begin(); it != t.timers_.end(); ++it)
            if (it->second.id == id) {
                t.timers_.erase(it);
                return;
            }
    };
    api_.now_ms = [](hearth_host* h) { return self(h).options_.clock(); };
    api_.report_ready = [](hearth_host* h) {
        self(h).record("report_ready", "", [](host_record& r) { ++r.ready; });
        return static_cast<int>(HEARTH_OK);
    };
}

fake_host::~fake_host() { shutdown(); }

void fake_host::shutdown() {
    {
        std::lock_guard lock(loop_mutex_);
        quit_ = true;
        timers_.clear();
    }
    loop_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void fake_host::run_timed(const std::function<void()>& fn) {
    const auto begun = steady::now();
    fn();
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - begun);
    std::lock_guard lock(loop_mutex_);
    if (took > longest_) longest_ = took;
}

void fake_host::loop() {
    std::unique_lock lock(loop_mutex_);
    while (!quit_) {
        if (!tasks_.empty()) {
            auto task = std::move(tasks_.front());
            tasks_.pop_front();
            lock.unlock();
            run_timed(task);
            lock.lock();
            continue;
        }
        if (!timers_.empty() && timers_.begin()->first <= steady::now()) {
            const timer t = timers_.begin()->second;
            timers_.erase(timers_.begin());
            lock.unlock();
            run_timed([&] { t.fn(t.user); });
            lock.lock();
            continue;
        }
        if (timers_.empty()) {
            loop_cv_.wait(lock);
        } else {
            // A copy: wait_until reads its deadline again after waking, when shutdown() or a
            // cancel may have freed the timer node (ASan heap-use-after-free, asan lane).
            const auto deadline = timers_.begin()->first;
            loop_cv_.wait_until(lock, deadline);
        }
    }
    // Tasks still queued at shutdown run anyway so that call() never hangs.
    while (!tasks_.empty()) {
        auto task = std::move(tasks_.front());
        tasks_.pop_front();
        lock.unlock();
        task();
        lock.lock();
    }
}

void fake_host::call(const std::function<void()>& fn) {
    std::promise<void> done;
    {
        std::lock_guard lock(loop_mutex_);
        if (quit_) throw std::logic_error("host is shut down");
        tasks_.emplace_back([&] {
            fn();
            done.set_value();
        });
    }
    loop_cv_.notify_all();
    done.get_future().wait();
}

void fake_host::record(const char* service, const std::string& text, const std::function<void(host_record&)>& change) {
    {
        std::lock_guard lock(record_mutex_);
        if (!accepting_ && std::string(service) != "log")
            record_.violations.push_back(std::string(service) + " after stop: " + text.substr(0, 80));
        if (!text.empty()) record_.texts.push_back(text);
        change(record_);
    }
    record_cv_.notify_all();
}

void fake_host::accepting(bool on) {
    std::lock_guard lock(record_mutex_);
    accepting_ = on;
}

void fake_host::check_state(host_record& r, const std::string& device, const json& reported) const {
    const auto desc = r.descriptors.find(device);
    if (desc == r.descriptors.end()) {
        r.violations.push_back("state for unregistered device " + device);
        return;
    }
    const json* props = desc->second.contains("properties") ? &desc->second["properties"] : nullptr;
    for (const auto& [k, v] : reported.items()) {
        if (props == nullptr || !props->is_object() || !props->contains(k)) {
            r.violations.push_back("undeclared property " + device + "/" + k);
        } else if (options_.check_value) {
            if (auto why = options_.check_value(desc->second, k, v)) r.violations.push_back(k + ": " + *why);
        }
    }
}

bool fake_host::wait_for(const std::function<bool(const host_record&)>& pred, std::chrono::milliseconds timeout) {
    std::unique_lock lock(record_mutex_);
    return record_cv_.wait_for(lock, timeout, [&] { return pred(record_); });
}

host_record fake_host::snapshot() {
    std::lock_guard lock(record_mutex_);
    return record_;
}

std::chrono::milliseconds fake_host::longest_call() {
    std::lock_guard lock(loop_mutex_);
    return longest_;
}

}  // namespace hearth::testing
