#!/usr/bin/perl
# A minimal SMSC built on Debian's Net::SMPP (libnet-smpp-perl), so our EsmeClient can be tested
# against an SMPP implementation that is not ours.
#
# Usage: net-smpp-smsc.pl --port 0 --system-id parchee --password secret [--smsc-id PERL-SMSC]
#
# stdout, one JSON object per line:
#   {"event":"listening","port":N}                       once, before any connection is accepted
#   {"event":"bind","ok":1,"bind_type":"transceiver",...} each bind (ok 0 with the refusal status)
#   {"event":"submit_sm",...every field...,"short_message_hex":"..","message_id":".."}
#   {"event":"deliver_sm_sent","seq":N} / {"event":"deliver_sm_resp","seq":N,"status":S}
#   {"event":"enquire_link","seq":N} / {"event":"unbind","seq":N} / {"event":"closed"}
# stdin, one JSON object per line (the test decides when a deliver_sm goes out):
#   {"command":"deliver_sm","source_addr":"..","destination_addr":"..","data_coding":8,"short_message_hex":".."}
# Connections are served one after the other until the process is killed.
use strict;
use warnings;
use Getopt::Long;
use IO::Select;
use JSON::PP;
use Net::SMPP;

$| = 1;
my $json = JSON::PP->new->canonical;

my %opt = (port => 0, 'system-id' => '', password => '', 'smsc-id' => 'PERL-SMSC');
GetOptions(\%opt, 'port=i', 'system-id=s', 'password=s', 'smsc-id=s') or die "bad arguments\n";

use constant {
    ESME_ROK        => 0x00,
    ESME_RINVCMDID  => 0x03,
    ESME_RINVBNDSTS => 0x04,
    ESME_RINVPASWD  => 0x0e,
    ESME_RINVSYSID  => 0x0f,
};

my %bind_types = (
    Net::SMPP::CMD_bind_transceiver() => ['transceiver', 'bind_transceiver_resp'],
    Net::SMPP::CMD_bind_transmitter() => ['transmitter', 'bind_transmitter_resp'],
    Net::SMPP::CMD_bind_receiver()    => ['receiver',    'bind_receiver_resp'],
);

sub emit { print $json->encode({@_}), "\n" }

my $listener = Net::SMPP->new_listen('127.0.0.1', port => $opt{port}, timeout => 3600)
    or die "cannot listen on port $opt{port}: $!\n";
emit(event => 'listening', port => $listener->sockport);

my $stdin_buffer = '';
my $next_message_id = 1;

while (1) {
    my $conn = $listener->accept;
    next if !$conn && $!{ETIMEDOUT};
    die "accept failed: $!\n" if !$conn;
    serve($conn);
    close $conn;
    emit(event => 'closed');
}

sub serve {
    my ($conn) = @_;
    my $bind_type;
    my $select = IO::Select->new($conn, \*STDIN);
    while (1) {
        for my $ready ($select->can_read) {
            if ($ready != $conn) {
                my $n = sysread STDIN, $stdin_buffer, 4096, length $stdin_buffer;
                if (!$n) { $select->remove(\*STDIN); next; }
                while ($stdin_buffer =~ s/^([^\n]*)\n//) {
                    command($conn, $bind_type, $1) if length $1;
                }
                next;
            }
            my $pdu = $conn->read_pdu or return;
            my $cmd = $pdu->{cmd};
            if (exists $bind_types{$cmd}) {
                my ($type, $resp) = @{$bind_types{$cmd}};
                my $status = $pdu->{system_id} ne $opt{'system-id'} ? ESME_RINVSYSID
                           : $pdu->{password} ne $opt{password}     ? ESME_RINVPASWD
                           : ESME_ROK;
                $conn->$resp(seq => $pdu->{seq}, status => $status, system_id => $opt{'smsc-id'});
                emit(event => 'bind', ok => ($status == ESME_ROK ? 1 : 0), status => $status, bind_type => $type,
                     system_id => $pdu->{system_id}, system_type => $pdu->{system_type},
                     interface_version => $pdu->{interface_version});
                return if $status != ESME_ROK;
                $bind_type = $type;
            } elsif (!defined $bind_type) {
                $conn->generic_nack(seq => $pdu->{seq}, status => ESME_RINVBNDSTS);
            } elsif ($cmd == Net::SMPP::CMD_submit_sm()) {
                if ($bind_type eq 'receiver') {
                    $conn->submit_sm_resp(seq => $pdu->{seq}, status => ESME_RINVBNDSTS, message_id => '');
                    next;
                }
                my $message_id = 'perl-' . $next_message_id++;
                $conn->submit_sm_resp(seq => $pdu->{seq}, message_id => $message_id);
                emit(event => 'submit_sm', seq => $pdu->{seq}, message_id => $message_id,
                     map({ $_ => $pdu->{$_} } qw(service_type source_addr_ton source_addr_npi source_addr
                         dest_addr_ton dest_addr_npi destination_addr esm_class protocol_id priority_flag
                         schedule_delivery_time validity_period registered_delivery replace_if_present_flag
                         data_coding sm_default_msg_id)),
                     short_message_hex => unpack('H*', $pdu->{short_message}));
            } elsif ($cmd == Net::SMPP::CMD_deliver_sm_resp()) {
                emit(event => 'deliver_sm_resp', seq => $pdu->{seq}, status => $pdu->{status});
            } elsif ($cmd == Net::SMPP::CMD_enquire_link()) {
                $conn->enquire_link_resp(seq => $pdu->{seq});
                emit(event => 'enquire_link', seq => $pdu->{seq});
            } elsif ($cmd == Net::SMPP::CMD_unbind()) {
                $conn->unbind_resp(seq => $pdu->{seq});
                emit(event => 'unbind', seq => $pdu->{seq});
                return;
            } elsif (!($cmd & 0x80000000)) {
                $conn->generic_nack(seq => $pdu->{seq}, status => ESME_RINVCMDID);
            }
        }
    }
}

sub command {
    my ($conn, $bind_type, $line) = @_;
    my $command = $json->decode($line);
    die "unknown command $command->{command}\n" if $command->{command} ne 'deliver_sm';
    die "deliver_sm before a receiver or transceiver bind\n" if !defined $bind_type || $bind_type eq 'transmitter';
    my $seq = $conn->deliver_sm(
        async            => 1,
        source_addr      => $command->{source_addr},
        destination_addr => $command->{destination_addr},
        data_coding      => $command->{data_coding} // 0,
        short_message    => pack('H*', $command->{short_message_hex}),
    );
    emit(event => 'deliver_sm_sent', seq => $seq);
}
