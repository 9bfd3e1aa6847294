// The fake plugin host and the driver wrapper (see fake_host.hpp).
#include "support/fake_host.hpp"

#include <dlfcn.h>

#include <future>
#include <stdexcept>

namespace hearth::test {

namespace {
using json = nlohmann::json;
std::string str(hearth_str s) { return s.data == nullptr ? std::string() : std::string(s.data, s.size); }
hearth_str cstr(const std::string& s) { return hearth_str{s.data(), s.size()}; }
using steady = std::chrono::steady_clock;
}  // namespace

int host_record::availability_of(const std::string& id) const {
    const auto it = availability.find(id);
    return it == availability.end() || it->second.empty() ? -1 : (it->second.back() ? 1 : 0);
}

bool host_record::logged(const std::string& text) const {
    for (const auto& l : logs)
        if (l.find(text) != std::string::npos) return true;
    return false;
}

fake_host::fake_host(clock_fn clock) : clock_(std::move(clock)) {
    if (!clock_) {
        clock_ = [] {
            return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  std::chrono::system_clock::now().time_since_epoch())
                                                  .count());
        };
    }
    api_.struct_size = sizeof(hearth_host_api);
    api_.abi_major = HEARTH_ABI_MAJOR;
    api_.abi_minor = HEARTH_ABI_MINOR;
    api_.log = [](hearth_host* h, int level, hearth_str m) {
        self(h).record([&](host_record& r) {
            r.logs.push_back(std::to_string(level) + " " + str(m));
            r.timeline.push_back("log " + std::to_string(level) + " " + str(m));
        });
    };
    api_.register_device = [](hearth_host* h, hearth_str d) {
        const json desc = json::parse(str(d), nullptr, false);
        if (!desc.is_object() || !desc.contains("id")) return static_cast<int>(HEARTH_ERR_INVALID);
        self(h).record([&](host_record& r) { r.descriptors[desc["id"].get<std::string>()] = desc; });
        return static_cast<int>(HEARTH_OK);
    };
    api_.remove_device = [](hearth_host* h, hearth_str id) {
        self(h).record([&](host_record& r) { r.descriptors.erase(str(id)); });
        return static_cast<int>(HEARTH_OK);
    };
    api_.report_state = [](hearth_host* h, hearth_str id, hearth_str s) {
        const json st = json::parse(str(s), nullptr, false);
        if (!st.is_object()) return static_cast<int>(HEARTH_ERR_INVALID);
        self(h).record([&](host_record& r) {
            const std::string dev = str(id);
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
        return static_cast<int>(HEARTH_OK);
    };
    api_.report_event = [](hearth_host* h, hearth_str id, hearth_str e) {
        const json ev = json::parse(str(e), nullptr, false);
        self(h).record([&](host_record& r) { r.events.emplace_back(str(id), ev); });
        return static_cast<int>(HEARTH_OK);
    };
    api_.report_availability = [](hearth_host* h, hearth_str id, int on) {
        self(h).record([&](host_record& r) {
            r.online[str(id)] = on != 0;
            r.availability[str(id)].push_back(on != 0);
            r.timeline.push_back("online " + str(id) + " " + std::to_string(on != 0 ? 1 : 0));
        });
        return static_cast<int>(HEARTH_OK);
    };
    api_.command_result = [](hearth_host* h, std::uint64_t cid, int st, hearth_str m) {
        self(h).record([&](host_record& r) {
            std::string then;
            for (const auto& [dev, hist] : r.lock_states)
                if (!hist.empty()) then = hist.back();  // single-lock tests: the lock's state
            r.results[cid] = {st, str(m), then};
        });
        return static_cast<int>(HEARTH_OK);
    };
    api_.set_timer = [](hearth_host* h, std::uint32_t delay, hearth_timer_fn fn, void* user) {
        fake_host& t = self(h);
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
    api_.now_ms = [](hearth_host* h) { return self(h).clock_(); };
    api_.report_ready = [](hearth_host* h) {
        self(h).record([](host_record& r) { ++r.ready; });
        return static_cast<int>(HEARTH_OK);
    };
    thread_ = std::thread([this] { loop(); });
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
        if (timers_.empty())
            loop_cv_.wait(lock);
        else
            loop_cv_.wait_until(lock, timers_.begin()->first);
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

void fake_host::record(const std::function<void(host_record&)>& change) {
    {
        std::lock_guard lock(record_mutex_);
        change(record_);
    }
    record_cv_.notify_all();
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

// ---- driver_instance ----

const hearth_plugin_v1_api* driver_instance::load(const char* path) {
    void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) return nullptr;
    auto entry = reinterpret_cast<hearth_plugin_entry_v1_fn>(dlsym(handle, HEARTH_PLUGIN_ENTRY_V1_NAME));
    return entry == nullptr ? nullptr : entry(HEARTH_ABI_MINOR);
}

bool driver_instance::create(const json& config) {
    const std::string text = config.dump();
    char err[512] = {0};
    host_.call(
        [&] { driver_ = plugin_->create(host_.api(), host_.ctx(), cstr(instance_id_), cstr(text), err, sizeof err); });
    error_ = err;
    return driver_ != nullptr;
}

int driver_instance::start() {
    char err[512] = {0};
    int rc = HEARTH_ERR_INTERNAL;
    host_.call([&] { rc = plugin_->start(driver_, err, sizeof err); });
    error_ = err;
    started_ = true;
    return rc;
}

int driver_instance::command(std::uint64_t id, const std::string& device, const std::string& name, const json& params) {
    const std::string body = json{{"command", name}, {"params", params}}.dump();
    char err[512] = {0};
    int rc = HEARTH_ERR_INTERNAL;
    host_.call([&] { rc = plugin_->handle_command(driver_, id, cstr(device), cstr(body), err, sizeof err); });
    error_ = err;
    return rc;
}

void driver_instance::stop_and_destroy() {
    if (driver_ == nullptr) return;
    host_.call([&] {
        if (started_) plugin_->stop(driver_);
        plugin_->destroy(driver_);
    });
    driver_ = nullptr;
}

}  // namespace hearth::test
