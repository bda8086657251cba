#ifndef FOOTPRINT_CMICROHTTPD_SHIM_H
#define FOOTPRINT_CMICROHTTPD_SHIM_H

#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/abstract.h>
#include <stdlib.h>

// MHD_start_daemon is variadic in C; this takes its options as one MHD_OPTION_ARRAY instead.
static inline struct MHD_Daemon *cmhd_start(unsigned int flags, uint16_t port,
                                            MHD_AccessHandlerCallback handler, void *handler_cls,
                                            struct MHD_OptionItem *options) {
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
                            MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}

// MHD_get_daemon_info is variadic in C; this returns the port the daemon is bound to (0 on failure).
static inline uint16_t cmhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

// MHD_OptionItem stores callbacks in an intptr_t; the function-pointer cast is only expressible in C.
static inline struct MHD_OptionItem cmhd_option_notify_completed(MHD_RequestCompletedCallback callback, void *cls) {
    struct MHD_OptionItem item = { MHD_OPTION_NOTIFY_COMPLETED, (intptr_t) callback, cls };
    return item;
}

// MHD_OptionItem stores callbacks in an intptr_t; the function-pointer cast is only expressible in C.
static inline struct MHD_OptionItem cmhd_option_notify_connection(MHD_NotifyConnectionCallback callback, void *cls) {
    struct MHD_OptionItem item = { MHD_OPTION_NOTIFY_CONNECTION, (intptr_t) callback, cls };
    return item;
}

// MHD_get_connection_info is variadic in C; this returns the connection's socket (-1 when unknown).
static inline int cmhd_connection_descriptor(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : info->connect_fd;
}

// The strictest request parsing this libmicrohttpd offers, as Go's server is strict: libmicrohttpd 1.0 has
// MHD_OPTION_CLIENT_DISCIPLINE_LVL; 0.9.75 (Debian 12) only MHD_OPTION_STRICT_FOR_CLIENT, which refuses HTTP/1.1
// without Host. An enum value cannot be tested with #ifdef, hence the version.
static inline struct MHD_OptionItem cmhd_option_strict_parsing(void) {
#if MHD_VERSION >= 0x01000000
    struct MHD_OptionItem item = { MHD_OPTION_CLIENT_DISCIPLINE_LVL, 1, NULL };
#else
    struct MHD_OptionItem item = { MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL };
#endif
    return item;
}

// Whether this libmicrohttpd can run its event loop on epoll.
static inline int cmhd_supports_epoll(void) {
    return MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES;
}

typedef void *(*cmhd_uri_log_callback)(void *cls, const char *uri, struct MHD_Connection *connection);

// MHD_OptionItem stores callbacks in an intptr_t; the function-pointer cast is only expressible in C.
static inline struct MHD_OptionItem cmhd_option_uri_log(cmhd_uri_log_callback callback, void *cls) {
    struct MHD_OptionItem item = { MHD_OPTION_URI_LOG_CALLBACK, (intptr_t) callback, cls };
    return item;
}

// What a TLS connection's client presented, as checked against the trusted client CAs.
enum cmhd_client_certificate {
    CMHD_CLIENT_CERT_NOT_TLS = 0,
    CMHD_CLIENT_CERT_NONE = 1,
    CMHD_CLIENT_CERT_VERIFIED = 2,
    CMHD_CLIENT_CERT_INVALID = 3,
};

// Go's rule (crypto/x509 checkChainForKeyUsage): a certificate without an extended key usage extension allows
// every usage; one with it must list TLS client authentication or any usage. Not exposed to Swift: GnuTLS
// types stay in the shim.
static inline int cmhd_allows_client_auth(const gnutls_datum_t *der) {
    gnutls_x509_crt_t certificate;
    if (gnutls_x509_crt_init(&certificate) != GNUTLS_E_SUCCESS) return 0;
    int allowed = 0;
    if (gnutls_x509_crt_import(certificate, der, GNUTLS_X509_FMT_DER) == GNUTLS_E_SUCCESS) {
        allowed = 1;
        for (unsigned int index = 0;; index++) {
            char oid[128];
            size_t size = sizeof(oid);
            int result = gnutls_x509_crt_get_key_purpose_oid(certificate, index, oid, &size, NULL);
            if (result == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) break;
            if (result != GNUTLS_E_SUCCESS) {
                allowed = 0;
                break;
            }
            if (index == 0) allowed = 0;
            if (strcmp(oid, GNUTLS_KP_TLS_WWW_CLIENT) == 0 || strcmp(oid, GNUTLS_KP_ANY) == 0) {
                allowed = 1;
                break;
            }
        }
    }
    gnutls_x509_crt_deinit(certificate);
    return allowed;
}

// MHD_get_connection_info is variadic in C. GnuTLS verifies the peer's chain against the trust list
// libmicrohttpd loaded from MHD_OPTION_HTTPS_MEM_TRUST, with its validity dates, and (like Go's
// x509.VerifyOptions{KeyUsages: ClientAuth}) requires every certificate in it that lists extended key usages
// to allow TLS client authentication (or any usage): a server-only certificate from the same CA is refused.
static inline enum cmhd_client_certificate cmhd_client_certificate(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (info == NULL || info->tls_session == NULL) return CMHD_CLIENT_CERT_NOT_TLS;
    gnutls_session_t session = (gnutls_session_t) info->tls_session;
    unsigned int count = 0;
    if (gnutls_certificate_get_peers(session, &count) == NULL || count == 0) return CMHD_CLIENT_CERT_NONE;
    unsigned int status = 0;
    if (gnutls_certificate_verify_peers2(session, &status) != GNUTLS_E_SUCCESS || status != 0) {
        return CMHD_CLIENT_CERT_INVALID;
    }
    const gnutls_datum_t *chain = gnutls_certificate_get_peers(session, &count);
    for (unsigned int index = 0; index < count; index++) {
        if (!cmhd_allows_client_auth(&chain[index])) return CMHD_CLIENT_CERT_INVALID;
    }
    return CMHD_CLIENT_CERT_VERIFIED;
}

// gnutls_priority_init reports a bad priority string by pointing into it; this returns that position as an
// offset (-1 when the string is valid), since a pointer into Swift's temporary C string would not outlive the call.
static inline long cmhd_priority_error_offset(const char *priorities) {
    gnutls_priority_t parsed;
    const char *error_position = NULL;
    if (gnutls_priority_init(&parsed, priorities, &error_position) == GNUTLS_E_SUCCESS) {
        gnutls_priority_deinit(parsed);
        return -1;
    }
    return error_position != NULL ? (long) (error_position - priorities) : 0;
}

// A server certificate chain and its key in the form GnuTLS hands out during a handshake, so certificates can
// be swapped (rotated) while the daemon runs.
struct cmhd_credentials {
    gnutls_pcert_st certificates[16];
    unsigned int count;
    gnutls_privkey_t key;
};

static inline void cmhd_credentials_free(struct cmhd_credentials *credentials) {
    if (credentials == NULL) return;
    for (unsigned int index = 0; index < credentials->count; index++) {
        gnutls_pcert_deinit(&credentials->certificates[index]);
    }
    if (credentials->key != NULL) gnutls_privkey_deinit(credentials->key);
    free(credentials);
}

// Parses a PEM chain (leaf first, at most 16) and its PEM key; NULL when either is invalid or the key is not
// the certificate's. Kept in C because gnutls_pcert_st arrays and key handles have no Swift shape worth having.
static inline struct cmhd_credentials *cmhd_credentials_load(const char *certificate_pem, const char *key_pem) {
    struct cmhd_credentials *credentials = calloc(1, sizeof *credentials);
    if (credentials == NULL) return NULL;
    gnutls_datum_t certificate = { (unsigned char *) certificate_pem, (unsigned int) strlen(certificate_pem) };
    unsigned int count = 16;
    if (gnutls_pcert_list_import_x509_raw(credentials->certificates, &count, &certificate, GNUTLS_X509_FMT_PEM, 0)
            < 0 || count == 0) {
        free(credentials);
        return NULL;
    }
    credentials->count = count;
    gnutls_datum_t key = { (unsigned char *) key_pem, (unsigned int) strlen(key_pem) };
    if (gnutls_privkey_init(&credentials->key) < 0
        || gnutls_privkey_import_x509_raw(credentials->key, &key, GNUTLS_X509_FMT_PEM, NULL, 0) < 0) {
        cmhd_credentials_free(credentials);
        return NULL;
    }
    gnutls_pubkey_t public_key;
    int matches = 0;
    if (gnutls_pubkey_init(&public_key) == 0) {
        unsigned char from_key[64], from_certificate[64];
        size_t key_size = sizeof from_key, certificate_size = sizeof from_certificate;
        matches = gnutls_pubkey_import_privkey(public_key, credentials->key, 0, 0) == 0
            && gnutls_pubkey_get_key_id(public_key, GNUTLS_KEYID_USE_SHA256, from_key, &key_size) == 0
            && gnutls_pubkey_get_key_id(credentials->certificates[0].pubkey, GNUTLS_KEYID_USE_SHA256,
                                        from_certificate, &certificate_size) == 0
            && key_size == certificate_size && memcmp(from_key, from_certificate, key_size) == 0;
        gnutls_pubkey_deinit(public_key);
    }
    if (!matches) {
        cmhd_credentials_free(credentials);
        return NULL;
    }
    return credentials;
}

// Fills the retrieve callback's out-parameters; the credentials stay owned by the server.
static inline void cmhd_credentials_hand_out(struct cmhd_credentials *credentials, gnutls_pcert_st **certificates,
                                             unsigned int *count, gnutls_privkey_t *key) {
    *certificates = credentials->certificates;
    *count = credentials->count;
    *key = credentials->key;
}

// libmicrohttpd makes the connection the session's user pointer (gnutls_session_set_ptr; the transport is the
// bare socket); its socket context is what the server stored there when the connection opened.
static inline void *cmhd_session_socket_context(gnutls_session_t session) {
    struct MHD_Connection *connection = (struct MHD_Connection *) gnutls_session_get_ptr(session);
    if (connection == NULL) return NULL;
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info == NULL ? NULL : info->socket_context;
}

// MHD_OptionItem stores the callback pointer as a plain pointer; the cast is only expressible in C.
static inline struct MHD_OptionItem cmhd_option_certificate_callback(gnutls_certificate_retrieve_function2 *callback) {
    struct MHD_OptionItem item = { MHD_OPTION_HTTPS_CERT_CALLBACK, (intptr_t) callback, (void *) callback };
    return item;
}

// Whether this libmicrohttpd was built with TLS support.
static inline int cmhd_supports_tls(void) {
    return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES;
}

#endif
