// Argon2id hashing and verification through libargon2 (see password_hash.hpp).
#include "web/password_hash.hpp"

#include <argon2.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>
#include <vector>

namespace hearth::web {

namespace {
constexpr std::size_t k_salt_bytes = 16;
constexpr std::size_t k_hash_bytes = 32;
constexpr std::size_t k_min_password = 10;
constexpr std::size_t k_max_password = 1024;
}  // namespace

std::string hash_password(std::string_view password, const argon2_params& params) {
    std::array<unsigned char, k_salt_bytes> salt{};
    if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) throw std::runtime_error("no random bytes");
    const std::size_t length =
        argon2_encodedlen(params.passes, params.memory_kib, params.lanes, salt.size(), k_hash_bytes, Argon2_id);
    std::vector<char> encoded(length);
    const int rc =
        argon2id_hash_encoded(params.passes, params.memory_kib, params.lanes, password.data(), password.size(),
                              salt.data(), salt.size(), k_hash_bytes, encoded.data(), encoded.size());
    if (rc != ARGON2_OK) throw std::runtime_error(std::string("argon2id: ") + argon2_error_message(rc));
    return {encoded.data()};
}

bool verify_password(const std::string& encoded, std::string_view password) {
    if (encoded.rfind("$argon2id$", 0) != 0) return false;
    return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::string password_problem(std::string_view password) {
    if (password.size() < k_min_password) return "the password must be at least 10 characters long";
    if (password.size() > k_max_password) return "the password must be at most 1024 bytes long";
    return "";
}

}  // namespace hearth::web
