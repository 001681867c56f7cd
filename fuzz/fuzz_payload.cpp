// libFuzzer target for everything a scanned payload meets before the database: validation,
// escaping, classification (pretix / Eventbrite / Indico JSON / Hi.Events / ours), our own code
// decoder and signature check, and search folding. Asserts the invariants, not just "no crash".
#include <kiosk/core.hpp>
#include <kiosk/core/payload.hpp>

#include <sodium.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

struct Keys {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    Keys() {
        if (sodium_init() < 0) std::abort();
        unsigned char seed[crypto_sign_SEEDBYTES] = {};  // fixed: the corpus may hold valid codes
        crypto_sign_seed_keypair(pk, sk, seed);
    }
};

void require(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const Keys keys;
    using namespace kiosk::core;
    const std::string_view raw(reinterpret_cast<const char*>(data), size);

    const std::string escaped = escapeForDisplay(raw);
    for (const char c : escaped) require(static_cast<unsigned char>(c) >= 0x20 && c != 0x7F);

    const auto clean = sanitizePayload(raw);
    if (!clean) return 0;
    require(!clean->empty() && clean->size() <= raw.size() && clean->size() <= 4096);
    require(sanitizePayload(*clean) == clean);  // idempotent
    for (const char c : *clean) require(static_cast<unsigned char>(c) >= 0x20 && c != 0x7F);

    const auto cls = classifyPayload(*clean);
    require(!codeKindName(cls.kind).empty());
    if (cls.kind == CodeKind::Kiosk) {
        const auto check = verifyOwnCode(cls.lookup, "fuzz-event", keys.pk);
        if (const auto decoded = decodeOwnCode(cls.lookup)) {
            // A decodable code re-encodes to the same body apart from the signature.
            const std::string again = encodeOwnCode(*decoded, keys.sk);
            require(!again.empty());
            require(verifyOwnCode(again, decoded->eventId, keys.pk) == OwnCodeCheck::Valid);
            if (check == OwnCodeCheck::Valid) require(again == cls.lookup);
        } else {
            require(check == OwnCodeCheck::Malformed);
        }
    }
    (void)foldForSearch(*clean);
    return 0;
}
