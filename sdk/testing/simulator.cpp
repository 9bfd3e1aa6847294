// Device simulators as child processes of tests (see simulator.hpp).
#include <hearth/testing/simulator.hpp>

#include <hearth/testing/ports.hpp>

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <system_error>

namespace hearth::testing {

namespace {

std::vector<std::string> command_line(const std::string& binary, std::uint16_t port,
                                      const std::vector<std::string>& args) {
    std::vector<std::string> argv = {binary, "--port", std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

std::filesystem::path log_file(const std::string& binary, std::uint16_t port) {
    const char* base = std::getenv("TMPDIR");
    const std::filesystem::path dir = base != nullptr && *base != '\0' ? base : "/tmp";
    return dir / (std::filesystem::path(binary).filename().string() + "_" + std::to_string(::getpid()) + "_" +
                  std::to_string(port) + ".log");
}

}  // namespace

simulator::simulator(const std::string& binary, std::uint16_t port, const std::vector<std::string>& args)
    : port_(port), process_(command_line(binary, port, args), log_file(binary, port)) {}

simulator::~simulator() {
    process_.stop(SIGKILL, std::chrono::milliseconds(0));
    if (!keep_log_) remove_log();
}

bool simulator::start(std::chrono::milliseconds deadline, const std::function<bool()>& ready) {
    process_.start();
    const bool ok = ready ? process_.wait_ready(ready, deadline)
                          : process_.wait_ready([this] { return port_accepts(port_); }, deadline);
    if (!ok) stop();
    return ok;
}

void simulator::stop(std::chrono::milliseconds grace) { process_.stop(SIGTERM, grace); }

void simulator::remove_log() const {
    std::error_code ec;
    std::filesystem::remove(process_.log_path(), ec);
}

}  // namespace hearth::testing
