// Replays fuzz inputs without libFuzzer: runs LLVMFuzzerTestOneInput once over every regular
// file of the directories (or files) given on the command line, in name order. Used by ctest
// (label "fuzz") with a normal build, so the seed corpus and every past crasher are re-run on
// each test run. A crash or failed check aborts, as under libFuzzer; exit 1 on a missing input.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

/// Notes (README.md, .gitkeep) may sit next to the inputs; they are not inputs.
bool is_input(const fs::path& path) {
    const std::string name = path.filename().string();
    return !name.empty() && name[0] != '.' && name != "README.md";
}

std::vector<fs::path> inputs_of(const fs::path& location) {
    std::vector<fs::path> files;
    if (fs::is_regular_file(location)) {
        files.push_back(location);
    } else {
        for (const auto& entry : fs::directory_iterator(location))
            if (entry.is_regular_file() && is_input(entry.path())) files.push_back(entry.path());
        std::sort(files.begin(), files.end());
    }
    return files;
}

void run_one(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
        return 1;
    }
    std::size_t replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const fs::path location = argv[i];
        if (!fs::exists(location)) {
            std::fprintf(stderr, "%s: no such file or directory\n", argv[i]);
            return 1;
        }
        for (const auto& file : inputs_of(location)) {
            run_one(file);
            ++replayed;
        }
    }
    std::printf("replayed %zu inputs without a crash\n", replayed);
    return 0;
}
