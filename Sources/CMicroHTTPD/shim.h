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

// Whether this libmicrohttpd was built with TLS support.
static inline int cmhd_supports_tls(void) {
    return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES;
}

#endif
