#ifndef CPCAP_SHIM_H
#define CPCAP_SHIM_H
#include <pcap/pcap.h>
#ifdef __linux__
/* Socket-level extras libpcap has no API for: PACKET_FANOUT (packet(7)) and classic BPF with
   ancillary loads (SKF_AD_PKTTYPE) attached with SO_ATTACH_FILTER (socket(7)). */
#include <linux/filter.h>
#include <linux/if_packet.h>
#endif
#endif
