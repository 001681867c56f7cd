// libFuzzer target for pretix signed tickets: the protobuf wire reader on raw bytes, the envelope
// decoder and verifier on text, and the key-file parser. Asserts the invariants, not just "no
// crash": whatever parses re-serialises to a message that parses to the same ticket and survives
// signing and decoding, a decoded envelope has a 64-byte signature, a parsed key file holds keys.
#include <kiosk/core/payload.hpp>

#include <sodium.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using kiosk::core::Ed25519PublicKey;

struct Keys {
    Ed25519PublicKey pk{};
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    Keys() {
        if (sodium_init() < 0) std::abort();
        unsigned char seed[crypto_sign_SEEDBYTES] = {};  // fixed: the corpus may hold valid codes
        crypto_sign_seed_keypair(pk.data(), sk, seed);
    }
};

void require(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const Keys keys;
    using namespace kiosk::core;
    const std::string_view in(reinterpret_cast<const char*>(data), size);

    // 1. Raw protobuf bytes.
    if (const auto t = parsePretixTicket(in)) {
        require(t->seed.size() <= 256);
        const std::string again = serializePretixTicket(*t);
        require(again.size() <= in.size() + 16);  // canonical form: never larger than the input (+ tags)
        const auto back = parsePretixTicket(again);
        require(back && *back == *t);
        // Signed with our key, the ticket comes back through the whole decoder.
        const std::string code = encodePretixSigned(*t, keys.sk);
        if (!code.empty()) {
            const Ed25519PublicKey k[] = {keys.pk};
            const auto v = verifyPretixSigned(code, k);
            require(v.check == PretixCheck::Valid && v.ticket == *t && v.keyIndex == 0);
            require(classifyPayload(code).kind == CodeKind::PretixSigned || code.size() > 1024);
        }
    }

    // 2. The same bytes as scanned text.
    if (const auto env = decodePretixEnvelope(in)) {
        require(env->signature.size() == crypto_sign_BYTES);
        require(env->payload.size() <= in.size());
    }
    const Ed25519PublicKey k[] = {keys.pk};
    const auto v = verifyPretixSigned(in, k);
    if (v.check == PretixCheck::Valid) {
        // Only a code we signed verifies, and what it yields is what its payload says.
        const auto env = decodePretixEnvelope(in);
        require(env && parsePretixTicket(env->payload) == v.ticket);
    } else {
        require(v.keyIndex == -1);
    }

    // 3. A key file.
    if (const auto parsed = parsePretixKeyFile(in); parsed.ok()) {
        require(!parsed->empty());
        for (const auto& key : *parsed) {
            require(keyFingerprint(key).size() == 23);
            require(parseEd25519Pem(ed25519Pem(key)) == key);
        }
    }
    return 0;
}
