#include "util_ids.hpp"

#include <pthread.h>
#include <sodium.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <mutex>

namespace kiosk::core::ids {

namespace {
/// Bumped in the child after every fork(): a pool filled before the fork is thrown away, so a
/// child never repeats its parent's ids. (getpid() per id cost 5 % of a 100k-row import.)
std::atomic<unsigned> g_forks{0};
void onFork() {
    g_forks.fetch_add(1, std::memory_order_relaxed);
}

/// Random bytes drawn from the kernel 4 KiB at a time: one getrandom() per 256 ids instead of
/// one per id (300,000 system calls in a 100,000-row import).
void randomBytes(unsigned char* out, std::size_t n) {
    static std::once_flag registered;
    std::call_once(registered, [] { ::pthread_atfork(nullptr, nullptr, onFork); });
    thread_local std::array<unsigned char, 4096> pool;
    thread_local std::size_t used = pool.size();
    thread_local unsigned generation = 0;
    if (const unsigned g = g_forks.load(std::memory_order_relaxed); g != generation) {
        generation = g;
        used = pool.size();
    }
    if (n > pool.size()) {
        randombytes_buf(out, n);
        return;
    }
    if (pool.size() - used < n) {
        randombytes_buf(pool.data(), pool.size());
        used = 0;
    }
    std::memcpy(out, pool.data() + used, n);
    sodium_memzero(pool.data() + used, n);  // a byte handed out is never handed out again
    used += n;
}
}  // namespace

std::string newId() {
    if (sodium_init() < 0) return {};  // cannot happen after the first successful init
    // Time-ordered like a UUIDv7: 48 bits of milliseconds since the epoch, then 80 random bits.
    // Unique across machines all the same (80 bits per millisecond), and new rows land at the
    // right edge of every index on an id instead of at random pages: a 100k-row import touched
    // index pages all over the file.
    unsigned char bytes[16];
    const auto ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
    for (int i = 0; i < 6; ++i) bytes[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
    randomBytes(bytes + 6, sizeof bytes - 6);
    char hex[2 * sizeof bytes + 1];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    return hex;
}

std::string newCaseRef() {
    static constexpr char kAlphabet[] = "3479ACDEFHJKMNPRTUVWXY";
    static constexpr unsigned kN = sizeof kAlphabet - 1;
    if (sodium_init() < 0) return {};
    std::string out;
    for (int i = 0; i < 6; ++i) {
        if (i == 3) out += '-';
        out += kAlphabet[randombytes_uniform(kN)];
    }
    return out;
}

}  // namespace kiosk::core::ids
