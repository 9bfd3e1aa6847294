// Role: implementation of device_worker (job queue + poll schedule on one thread) and of the
// availability hysteresis.
#include "device_worker.hpp"

namespace hearth::miio {

std::optional<bool> availability::record(bool success) {
    if (success) {
        failures_ = 0;
        if (online_ != true) {
            online_ = true;
            return true;
        }
        return std::nullopt;
    }
    ++failures_;
    if (failures_ >= offline_after_ && online_ != false) {
        online_ = false;
        return false;
    }
    return std::nullopt;
}

device_worker::device_worker(client_options opts, std::chrono::milliseconds poll_interval, job poll)
    : client_(std::move(opts)), interval_(poll_interval), poll_(std::move(poll)) {}

device_worker::~device_worker() { stop(); }

void device_worker::start() {
    std::lock_guard lock(mutex_);
    if (started_ || stopping_) return;
    started_ = true;
    next_poll_ = std::chrono::steady_clock::now();
    thread_ = std::thread([this] { run(); });
}

void device_worker::post(job j) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        queue_.push_back(std::move(j));
    }
    wake_.notify_one();
}

void device_worker::poll_soon() {
    {
        std::lock_guard lock(mutex_);
        next_poll_ = std::chrono::steady_clock::now();
    }
    wake_.notify_one();
}

void device_worker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        queue_.clear();
    }
    client_.abort();  // an exchange in flight returns now instead of after its timeouts
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

void device_worker::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (!queue_.empty()) {
            job j = std::move(queue_.front());
            queue_.pop_front();
            lock.unlock();
            j(client_);  // jobs catch their own errors
            lock.lock();
            continue;
        }
        if (std::chrono::steady_clock::now() >= next_poll_) {
            next_poll_ = std::chrono::steady_clock::now() + interval_;
            lock.unlock();
            if (poll_) poll_(client_);
            lock.lock();
            continue;
        }
        wake_.wait_until(lock, next_poll_);
    }
}

}  // namespace hearth::miio
