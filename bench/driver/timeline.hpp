// A memory-mapped file shared by the bench driver (inside hearthd or its worker) and the bench
// harness: for every emitted update `seq`, the CLOCK_MONOTONIC time in ns at which the driver
// reported it (emit) and at which the matching action reached the driver (action). Both processes
// run on one machine, so their steady clocks agree. Slots are written once and read after a phase.
// The files live in k_timeline_dir, the one directory the bench plugin's sandbox manifest lets a
// worker write (the worker may also run under another uid, hence the 01777 directory and 0666 files).
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace hearth::bench {

/// File layout: header, then emit_ns[capacity], then action_ns[capacity].
struct timeline_header {
    std::uint64_t magic;             ///< k_timeline_magic
    std::uint64_t capacity;          ///< slots per array
    std::uint64_t generator_cpu_ns;  ///< CPU time of the driver's emitting thread in its last run
    std::uint64_t reserved;
};
inline constexpr std::uint64_t k_header_words = sizeof(timeline_header) / sizeof(std::uint64_t);
inline constexpr std::uint64_t k_timeline_magic = 0x4845415254484232ULL;  // "HEARTHB2"
/// Where timelines are created; the bench plugin's manifest grants exactly this write path.
inline constexpr const char* k_timeline_dir = "/dev/shm/hearth-bench";

class timeline {
public:
    timeline() = default;
    /// Maps `path`; with `create`, (re)creates it sized for `capacity` slots (zeroed).
    /// Throws std::runtime_error on any failure or a foreign file.
    /// The creator removes the file again when it is destroyed.
    timeline(const std::string& path, std::uint64_t capacity, bool create) {
        const int fd = ::open(path.c_str(), create ? (O_RDWR | O_CREAT | O_TRUNC) : O_RDWR, 0600);
        if (fd < 0) throw std::runtime_error("timeline: cannot open " + path);
        if (create && (::fchmod(fd, 0666) != 0 || ::ftruncate(fd, static_cast<off_t>(bytes_for(capacity))) != 0)) {
            ::close(fd);
            throw std::runtime_error("timeline: cannot size " + path);
        }
        path_ = path;
        owner_ = create;
        const off_t size = ::lseek(fd, 0, SEEK_END);
        void* p = size > 0 ? ::mmap(nullptr, static_cast<std::size_t>(size), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
                           : MAP_FAILED;
        ::close(fd);
        if (p == MAP_FAILED) throw std::runtime_error("timeline: cannot map " + path);
        base_ = static_cast<std::uint64_t*>(p);
        bytes_ = static_cast<std::size_t>(size);
        auto* h = reinterpret_cast<timeline_header*>(base_);
        if (create) *h = {k_timeline_magic, capacity, 0, 0};
        if (h->magic != k_timeline_magic || bytes_for(h->capacity) > bytes_) {
            unmap();
            throw std::runtime_error("timeline: " + path + " is not a bench timeline");
        }
        capacity_ = h->capacity;
    }
    timeline(const timeline&) = delete;
    timeline& operator=(const timeline&) = delete;
    timeline(timeline&& o) noexcept { swap(o); }
    timeline& operator=(timeline&& o) noexcept {
        swap(o);
        return *this;
    }
    ~timeline() {
        unmap();
        if (owner_) ::unlink(path_.c_str());
    }

    /// A fresh timeline path for scenario `name` of this harness process, in k_timeline_dir
    /// (created world-writable and sticky, like /tmp, when missing).
    static std::string path_for(const std::string& name) {
        if (::mkdir(k_timeline_dir, 01777) == 0) ::chmod(k_timeline_dir, 01777);  // past the umask
        return std::string(k_timeline_dir) + "/" + std::to_string(::getpid()) + "-" + name;
    }

    [[nodiscard]] bool valid() const { return base_ != nullptr; }
    [[nodiscard]] std::uint64_t capacity() const { return capacity_; }
    [[nodiscard]] const std::string& path() const { return path_; }
    /// Stores `ns` for `seq` (ignored beyond capacity).
    void set_emit(std::uint64_t seq, std::int64_t ns) { store(k_header_words + seq, ns); }
    void set_action(std::uint64_t seq, std::int64_t ns) { store(k_header_words + capacity_ + seq, ns); }
    /// 0 when never written.
    [[nodiscard]] std::int64_t emit(std::uint64_t seq) const { return load(k_header_words + seq); }
    [[nodiscard]] std::int64_t action(std::uint64_t seq) const { return load(k_header_words + capacity_ + seq); }
    /// The load generator's own CPU time (the driver thread that paces and emits the updates), so
    /// the harness can tell it apart from Hearth's cost.
    void set_generator_cpu_ns(std::int64_t ns) { store_header(2, ns); }
    [[nodiscard]] std::int64_t generator_cpu_ns() const { return load_header(2); }

    static std::size_t bytes_for(std::uint64_t capacity) {
        return (k_header_words + 2 * capacity) * sizeof(std::uint64_t);
    }

private:
    void store_header(std::uint64_t index, std::int64_t v) {
        if (base_ != nullptr) std::atomic_ref<std::uint64_t>(base_[index]).store(static_cast<std::uint64_t>(v));
    }
    [[nodiscard]] std::int64_t load_header(std::uint64_t index) const {
        return base_ == nullptr ? 0 : static_cast<std::int64_t>(std::atomic_ref<std::uint64_t>(base_[index]).load());
    }
    void store(std::uint64_t index, std::int64_t ns) {
        if (base_ == nullptr || index >= k_header_words + 2 * capacity_) return;
        std::atomic_ref<std::uint64_t>(base_[index]).store(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
    }
    [[nodiscard]] std::int64_t load(std::uint64_t index) const {
        if (base_ == nullptr || index >= k_header_words + 2 * capacity_) return 0;
        return static_cast<std::int64_t>(std::atomic_ref<std::uint64_t>(base_[index]).load(std::memory_order_relaxed));
    }
    void unmap() {
        if (base_ != nullptr) ::munmap(base_, bytes_);
        base_ = nullptr;
    }
    void swap(timeline& o) noexcept {
        std::swap(base_, o.base_);
        std::swap(bytes_, o.bytes_);
        std::swap(capacity_, o.capacity_);
        std::swap(path_, o.path_);
        std::swap(owner_, o.owner_);
    }
    std::uint64_t* base_ = nullptr;
    std::size_t bytes_ = 0;
    std::uint64_t capacity_ = 0;
    std::string path_;
    bool owner_ = false;  ///< the creator unlinks the file on destruction
};

/// CLOCK_MONOTONIC in ns (std::chrono::steady_clock on Linux).
inline std::int64_t now_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

/// CPU time of the calling thread in ns.
inline std::int64_t thread_cpu_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace hearth::bench
