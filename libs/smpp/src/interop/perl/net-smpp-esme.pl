#!/usr/bin/perl
# A minimal ESME built on Debian's Net::SMPP (libnet-smpp-perl), so our SmscServer can be tested
# against an SMPP implementation that is not ours.
#
# Usage: net-smpp-esme.pl --host 127.0.0.1 --port N --system-id parchee --password secret
#          [--bind transceiver|transmitter|receiver] [--source-addr 8300]
#          [--submit DESTINATION,DATA_CODING,SHORT_MESSAGE_HEX]... [--expect-deliver N] [--timeout 20]
#
# Binds, sends every --submit, acks (ESME_ROK) the next N deliver_sm, then unbinds once every
# submit_sm_resp and deliver_sm has arrived. stdout, one JSON object per line:
#   {"event":"bind_resp","status":S,"system_id":".."}   (exit 3 when the bind is refused)
#   {"event":"submit_sm_resp","seq":N,"status":S,"message_id":".."}
#   {"event":"deliver_sm",...every field...,"short_message_hex":".."}
#   {"event":"enquire_link","seq":N} / {"event":"unbind_resp","status":S}
use strict;
use warnings;
use Getopt::Long;
use JSON::PP;
use Net::SMPP;

$| = 1;
my $json = JSON::PP->new->canonical;

my %opt = (host => '127.0.0.1', bind => 'transceiver', 'source-addr' => '8300', 'expect-deliver' => 0, timeout => 20, submit => []);
GetOptions(\%opt, 'host=s', 'port=i', 'system-id=s', 'password=s', 'bind=s', 'source-addr=s',
           'submit=s@', 'expect-deliver=i', 'timeout=i') or die "bad arguments\n";
die "--port is required\n" if !$opt{port};

# Never hang a test run: a peer that stops answering ends this process.
$SIG{ALRM} = sub { print STDERR "net-smpp-esme: timed out after $opt{timeout} s\n"; exit 4 };
alarm $opt{timeout};

sub emit { print $json->encode({@_}), "\n" }

my %constructors = (transceiver => 'new_transceiver', transmitter => 'new_transmitter', receiver => 'new_receiver');
my $constructor = $constructors{$opt{bind}} or die "unknown bind type $opt{bind}\n";
my ($smpp, $bind_resp) = Net::SMPP->$constructor($opt{host}, port => $opt{port},
    system_id => $opt{'system-id'}, password => $opt{password}, system_type => 'interop');
die "cannot connect to $opt{host}:$opt{port}: $!\n" if !$smpp;
die "no bind response\n" if !$bind_resp;
emit(event => 'bind_resp', status => $bind_resp->{status}, system_id => $bind_resp->{system_id});
exit 3 if $bind_resp->{status} != 0;

# Asynchronous from here on: a synchronous submit_sm would drop a deliver_sm read while waiting.
my %submits_pending;
for my $submit (@{$opt{submit}}) {
    my ($destination, $data_coding, $hex) = split /,/, $submit, 3;
    my $seq = $smpp->submit_sm(async => 1, source_addr => $opt{'source-addr'}, destination_addr => $destination,
                               data_coding => $data_coding, short_message => pack('H*', $hex));
    $submits_pending{$seq} = 1;
}

my $deliveries_left = $opt{'expect-deliver'};
my $unbind_seq;
while (1) {
    if (!defined $unbind_seq && !%submits_pending && $deliveries_left <= 0) {
        $unbind_seq = $smpp->unbind(async => 1);
    }
    my $pdu = $smpp->read_pdu or die "connection lost\n";
    my $cmd = $pdu->{cmd};
    if ($cmd == Net::SMPP::CMD_submit_sm_resp()) {
        delete $submits_pending{$pdu->{seq}};
        emit(event => 'submit_sm_resp', seq => $pdu->{seq}, status => $pdu->{status}, message_id => $pdu->{message_id});
    } elsif ($cmd == Net::SMPP::CMD_deliver_sm()) {
        $smpp->deliver_sm_resp(seq => $pdu->{seq}, message_id => '');
        $deliveries_left--;
        emit(event => 'deliver_sm', seq => $pdu->{seq},
             map({ $_ => $pdu->{$_} } qw(service_type source_addr_ton source_addr_npi source_addr
                 dest_addr_ton dest_addr_npi destination_addr esm_class protocol_id priority_flag
                 registered_delivery data_coding)),
             short_message_hex => unpack('H*', $pdu->{short_message}));
    } elsif ($cmd == Net::SMPP::CMD_enquire_link()) {
        $smpp->enquire_link_resp(seq => $pdu->{seq});
        emit(event => 'enquire_link', seq => $pdu->{seq});
    } elsif ($cmd == Net::SMPP::CMD_unbind_resp() && defined $unbind_seq && $pdu->{seq} == $unbind_seq) {
        emit(event => 'unbind_resp', status => $pdu->{status});
        exit 0;
    } elsif ($cmd == Net::SMPP::CMD_unbind()) {
        $smpp->unbind_resp(seq => $pdu->{seq});
        emit(event => 'unbound_by_smsc');
        exit 5;
    } elsif ($cmd == Net::SMPP::CMD_generic_nack()) {
        emit(event => 'generic_nack', seq => $pdu->{seq}, status => $pdu->{status});
    }
}
