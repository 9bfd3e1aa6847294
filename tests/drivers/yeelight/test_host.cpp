// Role: implementation of the fake host and the driver wrapper (see test_host.hpp).
#include "test_host.hpp"

#include <dlfcn.h>

#include <future>
#include <stdexcept>

namespace yeelight_test {

namespace {
std::string str(hearth_str s) { return s.data == nullptr ? std::string() : std::string(s.data, s.size); }
hearth_str cstr(const std::string& s) { return hearth_str{s.data(), s.size()}; }
using steady = std::chrono::steady_clock;
}  // namespace

bool host_record::logged(const std::string& text) const {
    for (const auto& l : logs)
        if (l.find(text) != std::string::npos) return true;
    return false;
}

test_host::test_host() {
    api_.struct_size = sizeof(hearth_host_api);
    api_.abi_major = HEARTH_ABI_MAJOR;
    api_.abi_minor = HEARTH_ABI_MINOR;
    api_.log = [](hearth_host* h, int level, hearth_str m) {
        self(h).record([&](host_record& r) { r.logs.push_back(std::to_string(level) + " " + str(m)); });
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
        });
        return static_cast<int>(HEARTH_OK);
    };
    api_.report_event = [](hearth_host*, hearth_str, hearth_str) { return static_cast<int>(HEARTH_OK); };
    api_.report_availability = [](hearth_host* h, hearth_str id, int on) {
        self(h).record([&](host_record& r) { r.availability[str(id)].push_back(on != 0); });
        return static_cast<int>(HEARTH_OK);
    };
    api_.command_result = [](hearth_host* h, std::uint64_t cid, int st, hearth_str m) {
        self(h).record([&](host_record& r) { r.results[cid] = {st, str(m)}; });
        return static_cast<int>(HEARTH_OK);
    };
    api_.set_timer = [](hearth_host* h, std::uint32_t delay, hearth_timer_fn fn, void* user) {
        test_host& t = self(h);
        std::lock_guard lock(t.loop_mutex_);
        if (t.quit_) return std::uint64_t{0};
        const std::uint64_t id = t.next_timer_id_++;
        t.timers_.emplace(steady::now() + std::chrono::milliseconds(delay), timer{id, fn, user});
        t.loop_cv_.notify_all();
        return id;
    };
    api_.cancel_timer = [](hearth_host* h, std::uint64_t id) {
        test_host& t = self(h);
        std::lock_guard lock(t.loop_mutex_);
        for (auto it = t.timers_.begin(); it != t.timers_.end(); ++it)
            if (it->second.id == id) {
                t.timers_.erase(it);
                return;
            }
    };
    api_.now_ms = [](hearth_host*) {
        return static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count());
    };
    api_.report_ready = [](hearth_host* h) {
        self(h).record([](host_record& r) { ++r.ready; });
        return static_cast<int>(HEARTH_OK);
    };
    thread_ = std::thread([this] { loop(); });
}

test_host::~test_host() {
    {
        std::lock_guard lock(loop_mutex_);
        quit_ = true;
        timers_.clear();
    }
    loop_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void test_host::loop() {
    std::unique_lock lock(loop_mutex_);
    while (!quit_ || !tasks_.empty()) {
        std::function<void()> job;
        if (!tasks_.empty()) {
            job = std::move(tasks_.front());
            tasks_.pop_front();
        } else if (!timers_.empty() && timers_.begin()->first <= steady::now()) {
            const timer t = timers_.begin()->second;
            timers_.erase(timers_.begin());
            job = [t] { t.fn(t.user); };
        } else {
            if (timers_.empty())
                loop_cv_.wait(lock);
            else
                loop_cv_.wait_until(lock, timers_.begin()->first);
            continue;
        }
        lock.unlock();
        const auto begun = steady::now();
        job();
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - begun);
        lock.lock();
        if (took > longest_) longest_ = took;
    }
}

void test_host::call(const std::function<void()>& fn) {
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

void test_host::record(const std::function<void(host_record&)>& change) {
    {
        std::lock_guard lock(record_mutex_);
        change(record_);
    }
    record_cv_.notify_all();
}

bool test_host::wait_for(const std::function<bool(const host_record&)>& pred, std::chrono::milliseconds timeout) {
    std::unique_lock lock(record_mutex_);
    return record_cv_.wait_for(lock, timeout, [&] { return pred(record_); });
}

host_record test_host::snapshot() {
    std::lock_guard lock(record_mutex_);
    return record_;
}

std::chrono::milliseconds test_host::longest_call() {
    std::lock_guard lock(loop_mutex_);
    return longest_;
}

// ---- driver_instance ---------------------------------------------------------------------------

const hearth_plugin_v1_api* driver_instance::load(const char* path) {
    void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) return nullptr;
    auto entry = reinterpret_cast<hearth_plugin_entry_v1_fn>(dlsym(handle, HEARTH_PLUGIN_ENTRY_V1_NAME));
    return entry == nullptr ? nullptr : entry(HEARTH_ABI_MINOR);
}

bool driver_instance::create(const json& config) {
    const std::string text = config.dump();
    const std::string id = "yeelight_test";
    char err[512] = {0};
    host_.call([&] { driver_ = plugin_->create(host_.api(), host_.ctx(), cstr(id), cstr(text), err, sizeof err); });
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

}  // namespace yeelight_test
