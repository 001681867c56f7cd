#include "util_ids.hpp"

#include <sodium.h>

namespace kiosk::core::ids {

std::string newId() {
    if (sodium_init() < 0) return {};  // cannot happen after the first successful init
    unsigned char bytes[16];
    randombytes_buf(bytes, sizeof bytes);
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
