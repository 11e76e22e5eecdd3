package org.layerswap.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;

import javax.security.auth.Subject;

import org.apache.karaf.jaas.boot.principal.ClientPrincipal;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    @Test
    void sshAndFelixConsoleAddressesLoseTheirPortSoEveryChannelSharesOneKey() {
        assertEquals("127.0.0.1", ClientAddress.host("ssh", "/127.0.0.1:40312"));
        assertEquals("::1", ClientAddress.host("ssh", "/[::1]:40312"));
        assertEquals("0:0:0:0:0:0:0:1", ClientAddress.host("ssh", "/0:0:0:0:0:0:0:1:40312"));
        assertEquals("10.0.0.9", ClientAddress.host("ssh", "host.example/10.0.0.9:22"));
        assertEquals("127.0.0.1", ClientAddress.host("webconsole", "127.0.0.1:51000"));
        assertEquals("127.0.0.1", ClientAddress.host("jmx", "127.0.0.1"));
    }

    @Test
    void aBareAddressKeepsItsLastGroupWhenTheMethodAppendsNoPort() {
        assertEquals("0:0:0:0:0:0:0:1", ClientAddress.host(ClientAddress.DASHBOARD, "0:0:0:0:0:0:0:1"));
        assertEquals("fe80::1", ClientAddress.host("jmx", "FE80::1"));
    }

    @Test
    void theSubjectsClientPrincipalGivesTheAddressAndNoneGivesTheEmptyOne() {
        Subject s = new Subject();
        assertEquals("", ClientAddress.of(s));
        s.getPrincipals().add(new ClientPrincipal("ssh", "/127.0.0.2:4000"));
        assertEquals("127.0.0.2", ClientAddress.of(s));
        assertEquals("", ClientAddress.of(null));
        assertEquals("", ClientAddress.host("ssh", null));
    }
}
