// WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that
// crosses the threshold and fsyncs the database file: with thousands of history rows per second
// that put ~100 ms stalls on the loop that also serves MQTT. The store turns auto-checkpointing
// off and this thread, with its own connection, runs PASSIVE checkpoints (they never block the
// writer) every interval. At close, the store still truncates the WAL itself.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

namespace hearth {

class checkpointer {
public:
    /// Starts the thread; the database at `path` must be in WAL mode.
    checkpointer(std::filesystem::path path, std::chrono::milliseconds interval);
    /// Stops and joins the thread (finishing a checkpoint in progress).
    ~checkpointer();
    checkpointer(const checkpointer&) = delete;
    checkpointer& operator=(const checkpointer&) = delete;

private:
    void run();

    std::filesystem::path path_;
    std::chrono::milliseconds interval_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace hearth
